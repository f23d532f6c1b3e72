package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
)

// historyShown bounds the audit entries the History view lists.
const historyShown = 500

// checkVault checks the whole vault in the background and says what it found.
func (m *mainView) checkVault() {
	busy := m.app.busy("Checking every record of the vault…")
	j := m.app.jobs()
	m.app.run.Run(func() func() {
		report, err := j.checkVault()
		return func() {
			busy.Hide()
			if err != nil {
				m.app.showError("The vault could not be checked", err)
				return
			}
			m.showCheck(report)
		}
	})
}

func (m *mainView) showCheck(r engine.CheckReport) {
	title := "The vault is sound"
	var b strings.Builder
	fmt.Fprintf(&b, "%d certificate(s), %d CA(s), %d revocation(s), %d fingerprint denial(s) checked.\n",
		r.Certificates, r.CAs, r.Revocations, r.Denials)
	switch {
	case !r.Authenticated:
		b.WriteString("The vault is locked, so records were checked against their fingerprints only.\n")
	case r.Insecure:
		b.WriteString("This demo vault has no passphrase: its checks catch damage, not a deliberate attacker.\n")
	}
	if r.Audit.Checked && r.Audit.Intact {
		fmt.Fprintf(&b, "The history (%d entries) is intact.\n", r.Audit.Entries)
	}
	if len(r.Problems) > 0 {
		title = fmt.Sprintf("The vault has %d problem(s)", len(r.Problems))
		b.WriteString("\nDo not use it to issue or trust until this is resolved; restore a backup you trust.\n")
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "• %s\n", p.Message)
		}
	}
	m.app.showText(title, b.String())
}

// showHistory lists the audit trail, newest first, with whether it is intact.
func (m *mainView) showHistory() {
	j := m.app.jobs()
	background(m.app, "The history could not be read", func() (history, error) { return j.readHistory(historyShown) }, func(h history) {
		m.app.showText("History", historyText(h))
	})
}

func historyText(h history) string {
	var b strings.Builder
	switch {
	case !h.chain.Checked:
		b.WriteString("Unlock the vault to check that no entry was removed or changed.\n\n")
	case h.chain.Intact:
		fmt.Fprintf(&b, "All %d entries are intact: none was removed or changed.\n\n", h.chain.Entries)
	default:
		fmt.Fprintf(&b, "The history was altered outside Certdesk: %v\n\n", h.chain.Problem)
	}
	for _, e := range h.entries {
		fmt.Fprintf(&b, "%s  %s  %s\n    %s\n", e.At.UTC().Format("2006-01-02 15:04 UTC"), e.Action, e.Actor, e.Detail)
	}
	return b.String()
}

// changePassphrase asks for a new passphrase twice, rates it with the
// policy certctl uses, and re-wraps the vault key in the background.
func (m *mainView) changePassphrase() {
	first, second := hintedSecret("new passphrase"), hintedSecret("the new passphrase again")
	hint := widget.NewLabel(passphraseHint(""))
	hint.Wrapping = fyne.TextWrapWord
	first.OnChanged = func(s string) { hint.SetText(passphraseHint(s)) }
	items := []*widget.FormItem{
		widget.NewFormItem("New passphrase", first), widget.NewFormItem("Again", second), widget.NewFormItem("", hint),
	}
	d := dialog.NewForm("Change the vault's passphrase", "Change", "Cancel", items, func(ok bool) {
		if ok {
			m.applyPassphrase(first.Text, second.Text)
		}
	}, m.app.win)
	d.Resize(fyne.NewSize(480, d.MinSize().Height))
	d.Show()
}

func (m *mainView) applyPassphrase(first, second string) {
	if first != second {
		m.app.showError("The passphrase was not changed", fmt.Errorf("the two passphrases differ"))
		return
	}
	if err := engine.CheckPassphrase([]byte(first)); err != nil {
		m.app.showError("The passphrase was not changed", err)
		return
	}
	busy := m.app.busy("Re-wrapping the vault key…")
	j := m.app.jobs()
	m.app.run.Run(func() func() {
		err := j.changePassphrase([]byte(first))
		return func() {
			busy.Hide()
			if err != nil {
				m.app.showError("The passphrase was not changed", err)
				return
			}
			m.app.toast("The vault's passphrase is changed. The old one no longer opens it.")
		}
	})
}

// showText shows a long text in a scrolling dialog.
func (u *App) showText(title, text string) {
	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(label)
	scroll.SetMinSize(fyne.NewSize(620, 380))
	dialog.NewCustom(title, "Close", scroll, u.win).Show()
}
