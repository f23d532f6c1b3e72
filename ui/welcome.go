package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
)

// showWelcome is the first start: create a vault, open one, or try the demo.
func (u *App) showWelcome() {
	title := canvas.NewText("Welcome to Certdesk", theme.Color(theme.ColorNameForeground))
	title.TextSize = theme.TextHeadingSize() * 1.4
	title.TextStyle = fyne.TextStyle{Bold: true}
	intro := widget.NewLabel("Certdesk issues client certificates to people, hands them over as files, " +
		"revokes them, and runs a test server that shows live why each client is let in or turned away.")
	intro.Wrapping = fyne.TextWrapWord
	create := widget.NewButtonWithIcon("Create a vault", theme.ContentAddIcon(), func() { u.showCreateVault() })
	create.Importance = widget.HighImportance
	open := widget.NewButtonWithIcon("Open a vault…", theme.FolderOpenIcon(), func() {
		u.picker.Open("Open a Certdesk vault", func(path string) {
			if path != "" {
				u.showUnlock(path)
			}
		})
	})
	demoButton := widget.NewButtonWithIcon("Try the demo", theme.MediaPlayIcon(), func() { u.startDemo("") })
	demoHint := widget.NewLabel("The demo builds a throwaway vault with a CA and people in every state, starts the test server, and shows who gets in and why.")
	demoHint.Wrapping = fyne.TextWrapWord
	where := widget.NewLabel("New vaults are kept at " + u.opts.VaultPath)
	where.Wrapping = fyne.TextWrapWord
	where.Importance = widget.LowImportance
	box := container.NewVBox(title, intro, widget.NewSeparator(),
		container.NewGridWithColumns(3, create, open, demoButton), demoHint, where)
	u.win.SetContent(centred(box, 640))
}

// showCreateVault asks for a passphrase twice, with a strength hint, or an
// explicit choice of an insecure demo vault.
func (u *App) showCreateVault() {
	pass := hintedSecret("at least 8 characters; a few words is best")
	again := hintedSecret("type it again")
	hint := widget.NewLabel(passphraseHint(""))
	problem := widget.NewLabel("")
	// A problem said about an earlier passphrase goes when it is edited.
	pass.OnChanged = func(s string) {
		hint.SetText(passphraseHint(s))
		problem.SetText("")
	}
	again.OnChanged = func(string) { problem.SetText("") }
	insecure := widget.NewCheck("No passphrase: an insecure vault for demos only", nil)
	problem.Importance = widget.DangerImportance
	problem.Wrapping = fyne.TextWrapWord
	create := widget.NewButtonWithIcon("Create vault", theme.ConfirmIcon(), nil)
	create.Importance = widget.HighImportance
	create.OnTapped = func() {
		var p []byte
		if !insecure.Checked {
			if err := checkNewPassphrase(pass.Text, again.Text); err != nil {
				problem.SetText(err.Error())
				return
			}
			p = []byte(pass.Text)
		}
		create.Disable()
		progress := u.busy("Creating the vault…")
		vaultPath, insecure := u.opts.VaultPath, insecure.Checked
		u.run.Run(func() func() {
			v, err := createVault(vaultPath, p, insecure)
			return func() {
				progress.Hide()
				create.Enable()
				if err != nil {
					problem.SetText(err.Error())
					return
				}
				u.useVault(v)
			}
		})
	}
	back := widget.NewButton("Back", u.showWelcome)
	form := widget.NewForm(
		widget.NewFormItem("Passphrase", pass),
		widget.NewFormItem("Repeat", again),
		widget.NewFormItem("", hint),
		widget.NewFormItem("", insecure),
	)
	heading := widget.NewLabelWithStyle("Create a vault", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	explain := widget.NewLabel("The passphrase protects every private key in the vault. It cannot be recovered: keep it somewhere safe.")
	explain.Wrapping = fyne.TextWrapWord
	where := widget.NewLabel("File: " + u.opts.VaultPath)
	where.Importance = widget.LowImportance
	where.Wrapping = fyne.TextWrapWord
	u.win.SetContent(centred(container.NewVBox(heading, explain, form, problem, where,
		container.NewHBox(back, layout.NewSpacer(), create)), 560))
	u.win.Canvas().Focus(pass)
}

// showUnlock opens a vault in the background, then asks for its
// passphrase; an insecure vault opens at once.
func (u *App) showUnlock(vaultPath string) {
	u.run.Run(func() func() {
		opened, err := openVault(vaultPath)
		return func() {
			switch {
			case err != nil:
				u.showWelcome()
				u.showError("The vault could not be opened", err)
			case opened.unlocked:
				u.useVault(opened.v)
			default:
				u.askPassphrase(vaultPath, opened.v)
			}
		}
	})
}

// askPassphrase shows the unlock screen of a locked vault.
func (u *App) askPassphrase(vaultPath string, v *engine.Engine) {
	pass := hintedSecret("passphrase")
	problem := widget.NewLabel("")
	problem.Importance = widget.DangerImportance
	unlock := widget.NewButtonWithIcon("Unlock", theme.LoginIcon(), nil)
	unlock.Importance = widget.HighImportance
	unlock.OnTapped = func() {
		p := []byte(pass.Text)
		unlock.Disable()
		problem.SetText("Checking…")
		u.run.Run(func() func() {
			err := unlockVault(v, p)
			return func() {
				unlock.Enable()
				switch {
				case errors.Is(err, engine.ErrWrongPassphrase):
					problem.SetText("That passphrase is wrong. Nothing was changed; try again.")
					pass.SetText("")
				case err != nil:
					problem.SetText(err.Error())
				default:
					u.useVault(v)
				}
			}
		})
	}
	pass.OnSubmitted = func(string) { unlock.OnTapped() }
	other := widget.NewButton("Open another vault…", func() {
		u.picker.Open("Open a Certdesk vault", func(p string) {
			if p != "" {
				u.run.Run(func() func() { closeVault(v); return nil })
				u.showUnlock(p)
			}
		})
	})
	heading := widget.NewLabelWithStyle("Unlock your vault", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	where := widget.NewLabel(v.Path()) // a team vault's address without its password
	where.Importance = widget.LowImportance
	where.Wrapping = fyne.TextWrapWord
	u.win.SetContent(centred(container.NewVBox(heading, where, pass, problem,
		container.NewHBox(other, layout.NewSpacer(), unlock)), 480))
	u.win.Canvas().Focus(pass)
}

// checkNewPassphrase refuses empty, weak (by the policy certctl uses) or
// mistyped passphrases.
func checkNewPassphrase(p, again string) error {
	switch {
	case p == "":
		return errors.New("type a passphrase, or tick the insecure demo option")
	case p != again:
		return errors.New("the two passphrases differ")
	}
	return engine.CheckPassphrase([]byte(p))
}

// passphraseHint rates a passphrase with the policy certctl uses, in words.
func passphraseHint(p string) string {
	if p == "" {
		return "Use a long passphrase: a few unrelated words, or one a password manager makes."
	}
	r := engine.RatePassphrase([]byte(p))
	if r.OK {
		return "Strength: strong enough."
	}
	return "Strength: too easy to guess: " + r.Advice + "."
}

// centred places content in the middle of the window at most width wide.
func centred(content fyne.CanvasObject, width float32) fyne.CanvasObject {
	return container.NewCenter(container.New(&maxWidthLayout{width: width}, content))
}

// maxWidthLayout gives its child a fixed width and its natural height.
type maxWidthLayout struct{ width float32 }

func (l *maxWidthLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (l *maxWidthLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objects {
		o.Resize(fyne.NewSize(l.width, o.MinSize().Height))
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.width, h)
}

func newBusyContent(message string) fyne.CanvasObject {
	bar := widget.NewProgressBarInfinite()
	label := widget.NewLabel(message)
	label.Wrapping = fyne.TextWrapWord
	return container.NewVBox(container.New(&maxWidthLayout{width: 380}, label), bar)
}
