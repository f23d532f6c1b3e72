package ui

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/export"
	"certdesk/core/pki"
	"certdesk/core/plain"
)

// createCA asks for a CA's name, organisation, key and lifetime; the
// form stays open, with what was typed, until the CA is made.
func (m *mainView) createCA() {
	name, org := hinted("e.g. Acme Clients CA"), hinted("optional, e.g. Acme Ltd")
	days, key := daysEntry(pki.DefaultCADays), keyTypeSelect()
	pathLen := hinted("0; 1 lets issuing CAs stand under it")
	fields := &caFields{}
	f := newFieldForm("Create a CA", "Create", func(f *fieldForm) {
		n := strings.TrimSpace(name.Text)
		req := pki.CARequest{Name: pki.Name{CommonName: n, Organization: strings.TrimSpace(org.Text)}, KeyType: pki.KeyType(key.Selected), Validity: pki.Validity{Days: atoi(days.Text)}}
		req.PathLen, req.NoPathLimit, _ = parsePathLen(pathLen.Text)
		m.caWork(f, fields, "Creating the CA "+n+"…", func(j jobs) (engine.CA, []string, error) {
			ca, err := j.createCA(n, req)
			return ca, nil, err
		}, "Created the CA %q. Issue a person certificate next.")
	}, m.app.win)
	fields.name = f.add("Name", name, name, checkCAName)
	f.add("Organization", org, org, nil)
	f.add("Days", days, days, days.Validator)
	f.add("Key", key, nil, nil)
	f.add("CA levels below", pathLen, pathLen, checkPathLen)
	f.show(460)
	m.app.win.Canvas().Focus(name)
}

func checkCAName(s string) error { return engine.ValidateCAName(strings.TrimSpace(s)) }

// caFields are the rows of a CA form an error can belong to: its name,
// and the file it came from (nil when made here).
type caFields struct{ name, file, password *formField }

// of is the row an error belongs to: a name taken belongs to the name,
// anything else to the file (or above the form).
func (c caFields) of(err error) *formField {
	switch {
	case errors.Is(err, engine.ErrExists):
		return c.name
	case c.password != nil && (errors.Is(err, pki.ErrPasswordNeeded) || errors.Is(err, pki.ErrWrongPassword)):
		return c.password
	}
	return c.file
}

// caWork makes or brings in a CA in the background; an error shows in the
// form (beside the field it concerns when known), a success closes it.
func (m *mainView) caWork(f *fieldForm, fields *caFields, message string, work func(jobs) (engine.CA, []string, error), done string) {
	progress := m.app.busy(message)
	j := m.app.jobs()
	m.app.run.Run(func() func() {
		ca, warnings, err := work(j)
		return func() {
			progress.Hide()
			if err != nil {
				f.fail(fields.of(err), err)
				return
			}
			f.close()
			m.reloadThen(func() { m.selectCA(ca.ID) })
			if len(warnings) > 0 {
				dialog.ShowInformation("Done, with a warning", strings.Join(warnings, "\n\n"), m.app.win)
			}
			m.app.toast(fmt.Sprintf(done, ca.Name))
		}
	})
}

// fileEntry is a path entry with a "Choose…" button beside it.
func (m *mainView) fileEntry(placeholder, title string) (*widget.Entry, fyne.CanvasObject) {
	e := hinted(placeholder)
	browse := widget.NewButton("Choose…", func() {
		m.app.picker.Open(title, func(p string) {
			if p != "" {
				e.SetText(p)
			}
		})
	})
	return e, container.NewBorder(nil, nil, nil, browse, e)
}

// importCA brings in an existing CA from PEM certificate and key files or
// from a PKCS#12 file.
func (m *mainView) importCA() {
	name := hinted("a name for it in Certdesk")
	certPath, certRow := m.fileEntry("ca.crt, or a .p12 file", "The CA certificate or PKCS#12 file")
	keyPath, keyRow := m.fileEntry("ca.key (not needed for .p12)", "The CA's private key")
	password := hintedSecret("if the key or .p12 is encrypted")
	fields := &caFields{}
	f := newFieldForm("Import a CA", "Import", func(f *fieldForm) {
		n, c, k, pw := strings.TrimSpace(name.Text), certPath.Text, keyPath.Text, password.Text
		m.caWork(f, fields, "Importing the CA…", func(j jobs) (engine.CA, []string, error) {
			return j.importCA(n, c, k, pw)
		}, "Imported the CA %q.")
	}, m.app.win)
	fields.name = f.add("Name", name, name, checkCAName)
	fields.file = f.add("Certificate", certRow, certPath, required("choose the CA's certificate file, or its .p12"))
	f.add("Private key", keyRow, keyPath, nil)
	fields.password = f.add("Password", password, password, nil)
	f.show(560)
}

// trustCA stores a CA Certdesk does not run by its certificate alone:
// the test server and verify trust it; it cannot issue.
func (m *mainView) trustCA() {
	name := hinted("a name for it in Certdesk, e.g. Partner CA")
	certPath, certRow := m.fileEntry("its certificate file, e.g. partner-ca.pem", "The CA's certificate")
	explain := wrapped("Certdesk keeps only this CA's certificate, not its key: the test server and Verify trust the people it signed, " +
		"but it cannot issue or publish CRLs here. It is marked \"trust only\".")
	fields := &caFields{}
	f := newFieldForm("Trust a CA", "Trust", func(f *fieldForm) {
		n, c := strings.TrimSpace(name.Text), certPath.Text
		m.caWork(f, fields, "Trusting the CA…", func(j jobs) (engine.CA, []string, error) {
			ca, err := j.trustCA(n, c)
			return ca, nil, err
		}, "Trusted the CA %q (trust only: it cannot issue here).")
	}, m.app.win)
	f.add("", explain, nil, nil)
	fields.name = f.add("Name", name, name, checkCAName)
	fields.file = f.add("Certificate", certRow, certPath, required("choose the CA's certificate file"))
	f.show(560)
}

// required is a check that a field is not left empty.
func required(what string) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(what)
		}
		return nil
	}
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
		m.app.toast(fmt.Sprintf("Published CRL #%d of %s.", crl.Number, ca.Name))
		dialog.ShowInformation("CRL published", fmt.Sprintf("CRL #%d of %s lists %d revoked certificate(s) and is valid until %s.\n\nSaved to %s.\nServers read it only when they (re)load, and refuse everyone once it expires: publish again before then.",
			crl.Number, ca.Name, crl.Entries, plain.DateTime(crl.NextUpdate), path), m.app.win)
	}
}
