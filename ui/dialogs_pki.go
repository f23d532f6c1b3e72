package ui

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/export"
	"certdesk/core/pki"
)

// exportEasyRSA writes the selected CA's whole PKI as an easy-rsa folder,
// every key encrypted with one password.
func (m *mainView) exportEasyRSA() {
	ca, ok := m.caForAction()
	if !ok {
		return
	}
	password := hinted("password for the keys")
	generated := export.GeneratePassword()
	password.SetText(generated)
	generate := widget.NewButtonWithIcon("Generate", theme.ViewRefreshIcon(), func() {
		generated = export.GeneratePassword()
		password.SetText(generated)
	})
	copyPassword := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() { m.copyText(password.Text, "Password") })
	text := widget.NewLabel(fmt.Sprintf("Writes %q with every certificate it issued as an easy-rsa 3 folder (ca.crt, issued/, private/, revoked/, "+
		"index.txt, serial, crl.pem) that easy-rsa and openssl ca keep using. Every key is encrypted with this password; easy-rsa asks for it as the CA pass phrase.", ca.Name))
	text.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(text, container.NewBorder(nil, nil, nil, container.NewHBox(generate, copyPassword), password))
	d := dialog.NewCustomConfirm("Export as easy-rsa folder", "Choose folder…", "Cancel", content, func(ok bool) {
		if !ok {
			return
		}
		req := engine.PKIExport{CA: ca, Password: password.Text, Generated: password.Text == generated}
		m.app.picker.Folder("A new or empty folder for the PKI", func(dir string) {
			if dir == "" {
				return
			}
			req.Dir = dir
			m.runEasyRSAExport(req)
		})
	}, m.app.win)
	d.Resize(fyne.NewSize(500, d.MinSize().Height))
	d.Show()
}

// runEasyRSAExport encrypts the keys and writes the folder in the background.
func (m *mainView) runEasyRSAExport(req engine.PKIExport) {
	busy := m.app.busy("Encrypting the keys and writing the folder…")
	j := m.app.jobs()
	ca, dir := req.CA, req.Dir
	m.app.run.Run(func() func() {
		p, err := j.exportEasyRSA(req)
		return func() {
			busy.Hide()
			m.reloadKeepingSelection()
			if err != nil {
				m.app.showError("The PKI was not exported", err)
				return
			}
			dialog.ShowInformation("PKI exported", fmt.Sprintf("%q and %d certificate(s) are in %s.\n\nKeep using it with:\nEASYRSA_PKI=%s easyrsa build-client-full NAME",
				ca.Name, p.Certificates, dir, dir), m.app.win)
		}
	})
}

// importPKI brings in a CA with everything it issued, from an easy-rsa or
// openssl ca folder (folder true) or an XCA PEM export.
func (m *mainView) importPKI(folder bool) {
	ask := func(path string) {
		if path == "" {
			return
		}
		m.askPKIPassword(path, folder, nil)
	}
	if folder {
		m.app.picker.Folder("An easy-rsa or openssl ca folder (with ca.crt and index.txt)", ask)
	} else {
		m.app.picker.Open("A PEM file exported from XCA (CA, certificates, keys, CRLs)", ask)
	}
}

// askPKIPassword reads the source and stores it in the background, asking
// for the key password when needed.
func (m *mainView) askPKIPassword(path string, folder bool, password []byte) {
	busy := m.app.busy("Reading " + path + "…")
	j := m.app.jobs()
	m.app.run.Run(func() func() {
		res, err := j.importPKI(path, password)
		return func() {
			busy.Hide()
			m.pkiImported(path, folder, res, err)
		}
	})
}

// pkiImported says how an import went, or asks for the password again.
func (m *mainView) pkiImported(path string, folder bool, res pkiImport, err error) {
	if len(res.imported) > 0 {
		m.reloadThen(func() { m.selectCA(res.lastID) })
	}
	switch {
	case errors.Is(err, pki.ErrPasswordNeeded), errors.Is(err, pki.ErrWrongPassword):
		m.promptPKIPassword(path, folder, errors.Is(err, pki.ErrWrongPassword))
	case err != nil:
		what := "Nothing was imported"
		if len(res.imported) > 0 {
			what = "Imported " + strings.Join(res.imported, ", ") + ", then stopped"
		}
		m.app.showError(what, err)
	default:
		msg := "Imported " + strings.Join(res.imported, ", ") + ". Revocations came along; CRL numbers go on from the highest used."
		if len(res.warnings) > 0 {
			msg += "\n\nNotes:\n" + strings.Join(res.warnings[:min(len(res.warnings), 10)], "\n")
		}
		dialog.ShowInformation("PKI imported", msg, m.app.win)
	}
}

func (m *mainView) promptPKIPassword(path string, folder, wrong bool) {
	entry := hintedSecret("key password")
	msg := "The keys are encrypted. Enter their password (for easy-rsa: the CA pass phrase)."
	if wrong {
		msg = "That password did not open the CA's key. Try again."
	}
	label := widget.NewLabel(msg)
	label.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Password", "Import", "Cancel", container.NewVBox(label, entry), func(ok bool) {
		if ok {
			m.askPKIPassword(path, folder, []byte(entry.Text))
		}
	}, m.app.win)
	d.Resize(fyne.NewSize(420, d.MinSize().Height))
	d.Show()
}
