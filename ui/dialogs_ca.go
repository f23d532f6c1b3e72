package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/export"
	"certdesk/core/pki"
)

// createCA asks for a CA's name, organisation, key and lifetime.
func (m *mainView) createCA() {
	name := widget.NewEntry()
	name.SetPlaceHolder("Acme Clients CA")
	org := widget.NewEntry()
	org.SetPlaceHolder("optional")
	days := daysEntry(pki.DefaultCADays)
	key := keyTypeSelect()
	items := []*widget.FormItem{widget.NewFormItem("Name", name), widget.NewFormItem("Organization", org),
		widget.NewFormItem("Days", days), widget.NewFormItem("Key", key)}
	d := dialog.NewForm("Create a CA", "Create", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		n := strings.TrimSpace(name.Text)
		req := pki.CARequest{Name: pki.Name{CommonName: n, Organization: strings.TrimSpace(org.Text)}, KeyType: pki.KeyType(key.Selected), Validity: pki.Validity{Days: atoi(days.Text)}}
		progress := m.app.busy("Creating the CA " + n + "…")
		j := m.app.jobs()
		m.app.run.Run(func() func() {
			ca, err := j.createCA(n, req)
			return func() {
				progress.Hide()
				if err != nil {
					m.app.showError("The CA was not created", err)
					return
				}
				m.reloadThen(func() { m.selectCA(ca.ID) })
				m.app.toast(fmt.Sprintf("Created the CA %q. Issue a person certificate next.", ca.Name))
			}
		})
	}, m.app.win)
	d.Resize(fyne.NewSize(460, d.MinSize().Height))
	d.Show()
	m.app.win.Canvas().Focus(name)
}

// importCA brings in an existing CA from PEM certificate and key files or
// from a PKCS#12 file.
func (m *mainView) importCA() {
	name := widget.NewEntry()
	name.SetPlaceHolder("a name for it in Certdesk")
	certPath, keyPath := widget.NewEntry(), widget.NewEntry()
	certPath.SetPlaceHolder("ca.crt, or a .p12 file")
	keyPath.SetPlaceHolder("ca.key (not needed for .p12)")
	browse := func(e *widget.Entry, title string) *widget.Button {
		return widget.NewButton("Choose…", func() {
			m.app.picker.Open(title, func(p string) {
				if p != "" {
					e.SetText(p)
				}
			})
		})
	}
	password := widget.NewPasswordEntry()
	password.SetPlaceHolder("if the key or .p12 is encrypted")
	items := []*widget.FormItem{
		widget.NewFormItem("Name", name),
		widget.NewFormItem("Certificate", container.NewBorder(nil, nil, nil, browse(certPath, "The CA certificate or PKCS#12 file"), certPath)),
		widget.NewFormItem("Private key", container.NewBorder(nil, nil, nil, browse(keyPath, "The CA's private key"), keyPath)),
		widget.NewFormItem("Password", password),
	}
	d := dialog.NewForm("Import a CA", "Import", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		m.runImportCA(strings.TrimSpace(name.Text), certPath.Text, keyPath.Text, password.Text)
	}, m.app.win)
	d.Resize(fyne.NewSize(560, d.MinSize().Height))
	d.Show()
}

// runImportCA reads the files (decrypting a PKCS#12 or key) and stores
// the CA in the background.
func (m *mainView) runImportCA(name, certPath, keyPath, password string) {
	progress := m.app.busy("Importing the CA…")
	j := m.app.jobs()
	m.app.run.Run(func() func() {
		ca, warnings, err := j.importCA(name, certPath, keyPath, password)
		return func() {
			progress.Hide()
			if err != nil {
				m.app.showError("The CA was not imported", err)
				return
			}
			m.reloadThen(func() { m.selectCA(ca.ID) })
			if len(warnings) > 0 {
				dialog.ShowInformation("Imported, with a warning", strings.Join(warnings, "\n\n"), m.app.win)
			}
			m.app.toast(fmt.Sprintf("Imported the CA %q.", ca.Name))
		}
	})
}

// publishCRL signs the selected CA's next CRL and saves it.
func (m *mainView) publishCRL() {
	ca, ok := m.caForAction()
	if !ok {
		return
	}
	m.app.picker.Save("Save the CRL of "+ca.Name, export.FileStem(ca.Name)+"-crl.pem", func(path string) {
		if path == "" {
			return
		}
		j := m.app.jobs()
		m.app.run.Run(func() func() {
			crl, signed, err := j.publishCRL(ca, path)
			return func() { m.crlPublished(ca, path, crl, signed, err) }
		})
	})
}

// crlPublished says how publishing went.
func (m *mainView) crlPublished(ca engine.CA, path string, crl engine.CRL, signed bool, err error) {
	switch {
	case !signed:
		m.app.showError("The CRL was not published", err)
		return
	case err != nil:
		m.app.showError("The CRL was signed but not saved", err)
	}
	m.reloadKeepingSelection()
	if err == nil {
		dialog.ShowInformation("CRL published", fmt.Sprintf("CRL #%d of %s lists %d revoked certificate(s) and is valid until %s.\n\nSaved to %s.\nServers read it only when they (re)load, and refuse everyone once it expires: publish again before then.",
			crl.Number, ca.Name, crl.Entries, crl.NextUpdate.Local().Format(time.RFC1123), path), m.app.win)
	}
}
