package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/pki"
)

func keyTypeSelect() *widget.Select {
	var names []string
	for _, kt := range pki.KeyTypes {
		names = append(names, string(kt))
	}
	s := widget.NewSelect(names, nil)
	s.SetSelected(string(pki.DefaultKeyType))
	return s
}

func daysEntry(days int) *widget.Entry {
	e := widget.NewEntry()
	e.SetText(strconv.Itoa(days))
	e.Validator = func(s string) error {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > pki.MaxDays {
			return fmt.Errorf("a whole number of days, 1 to %d", pki.MaxDays)
		}
		return nil
	}
	return e
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

// caForAction returns the CA new certificates come from, or asks the user
// to pick one.
func (m *mainView) caForAction() (engine.CA, bool) {
	ca, ok := m.currentCA()
	if !ok {
		if len(m.cas) == 0 {
			dialog.ShowInformation("No CA yet", "Create or import a CA first: it signs the certificates.", m.app.win)
		} else {
			dialog.ShowInformation("Choose a CA", "Select the CA that should sign, in the list on the left.", m.app.win)
		}
		return ca, false
	}
	if ca.TrustOnly() {
		dialog.ShowInformation("Trust only", fmt.Sprintf("Certdesk holds only the certificate of %q, not its key: it is trusted, but it cannot issue or publish CRLs here. "+
			"Import it with its key (Import CA) to do that.", ca.Name), m.app.win)
		return ca, false
	}
	return ca, true
}

// issuePerson asks for a person's (or a device's) name, e-mail and
// other names, subject, usage, days and key, the CA's default profile
// chosen; the form keeps what was typed until the certificate is issued.
func (m *mainView) issuePerson() {
	ca, ok := m.caForAction()
	if !ok {
		return
	}
	m.withProfiles(ca, func(choice profileChoice) {
		name, email := hinted("e.g. Alice Example"), hinted("optional, e.g. alice@example.com")
		l := newLeafForm(choice, pki.Usages)
		f := newFieldForm("New person certificate from "+ca.Name, "Issue", func(f *fieldForm) {
			req, profile := l.person(name.Text, email.Text), l.profileName()
			m.longWorkIn(f, "Issuing a certificate for "+req.Name.CommonName+"…", func(ctx context.Context, j jobs) (engine.Record, error) {
				return j.issuePersonWith(ctx, ca, profile, req)
			})
		}, m.app.win)
		f.add("Profile", l.profile, nil, nil)
		f.add("Name", name, name, required("a person certificate needs the person's name"))
		f.add("E-mail", email, email, func(s string) error { return pki.CheckEmails(splitEmails(s)) })
		l.addSubject(f)
		l.addURIs(f)
		l.addDevice(f, "optional, for a device: e.g. sensor-7.acme.example", "optional, for a device: e.g. 10.0.0.7")
		l.addRest(f)
		f.show(560)
		m.app.win.Canvas().Focus(name)
	})
}

// withProfiles reads the profiles and the CA's default in the background,
// then calls show with them.
func (m *mainView) withProfiles(ca engine.CA, show func(profileChoice)) {
	j := m.app.jobs()
	background(m.app, "Reading the issuance profiles", func() (profileChoice, error) { return j.profilesFor(ca) }, show)
}

// splitEmails splits a list of e-mail addresses at commas, semicolons and
// line ends — not at spaces, so "alice smith@x" is judged (and quoted in
// an error) whole.
func splitEmails(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// issueServer asks for a server's names, subject, usage, days and key.
func (m *mainView) issueServer() {
	ca, ok := m.caForAction()
	if !ok {
		return
	}
	m.withProfiles(ca, func(choice profileChoice) {
		l := newLeafForm(choice, []pki.Usage{pki.ServerUsage, pki.ClientServerUsage})
		f := newFieldForm("New server certificate from "+ca.Name, "Issue", func(f *fieldForm) {
			req, profile := l.server(), l.profileName()
			m.longWorkIn(f, "Issuing a server certificate…", func(ctx context.Context, j jobs) (engine.Record, error) {
				return j.issueServerWith(ctx, ca, profile, req)
			})
		}, m.app.win)
		f.add("Profile", l.profile, nil, nil)
		l.addDevice(f, "e.g. www.example.com, api.example.com", "optional, e.g. 127.0.0.1, ::1")
		l.addURIs(f)
		l.addSubject(f)
		l.addRest(f)
		f.show(560)
		m.app.win.Canvas().Focus(l.dns)
	})
}

// signCSR reads a CSR file in the background, shows what it asks for,
// and signs it with the client or server profile.
func (m *mainView) signCSR() {
	ca, ok := m.caForAction()
	if !ok {
		return
	}
	openAndRead(m.app, "Choose a certificate signing request (CSR)", "The CSR was not signed", readCSR, func(csr engine.Request) { m.confirmCSR(ca, csr) })
}

// confirmCSR shows a CSR's request and asks for the profile and days.
func (m *mainView) confirmCSR(ca engine.CA, csr engine.Request) {
	profile := widget.NewRadioGroup([]string{"Person (client authentication)", "Server (DNS names and IP addresses)"}, nil)
	profile.SetSelected("Person (client authentication)")
	days := daysEntry(pki.DefaultLeafDays)
	summary := widget.NewLabel(fmt.Sprintf("Subject: %s\nKey: %s\nE-mail: %s\nDNS: %s\n\nOnly the name and the SANs that fit the profile are used; the CSR's other requests (such as CA:TRUE) are ignored.",
		csr.Subject, csr.KeyType, strings.Join(csr.Emails, ", "), strings.Join(csr.DNSNames, ", ")))
	summary.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{widget.NewFormItem("Request", summary), widget.NewFormItem("Profile", profile), widget.NewFormItem("Days", days)}
	d := dialog.NewForm("Sign a CSR with "+ca.Name, "Sign", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		p := pki.ClientProfile
		if strings.HasPrefix(profile.Selected, "Server") {
			p = pki.ServerProfile
		}
		n := atoi(days.Text)
		m.longWork("Signing…", func(ctx context.Context, j jobs) (engine.Record, error) {
			return j.signCSR(ctx, ca, csr, p, n)
		})
	}, m.app.win)
	d.Resize(fyne.NewSize(560, d.MinSize().Height))
	d.Show()
}

// renew issues a new certificate for the same subject, optionally revoking the old one.
func (m *mainView) renew(r engine.Record) {
	revokeOld := widget.NewCheck("Revoke the old certificate (reason: superseded)", nil)
	revokeOld.SetChecked(true)
	keepKey := widget.NewCheck("Keep the same key (the holder keeps using the key they have)", nil)
	text := widget.NewLabel(fmt.Sprintf("A new certificate for %q with a new key and the same lifetime.", r.CommonName))
	text.Wrapping = fyne.TextWrapWord
	keepKey.OnChanged = func(keep bool) {
		if keep {
			text.SetText(fmt.Sprintf("A new certificate for %q for the same key, with the same lifetime.", r.CommonName))
		} else {
			text.SetText(fmt.Sprintf("A new certificate for %q with a new key and the same lifetime.", r.CommonName))
		}
	}
	if !r.HasKey {
		// Signed from a CSR: the vault never saw the key, so only the
		// holder's own key can be signed again.
		keepKey.SetChecked(true)
		keepKey.Disable()
	}
	d := dialog.NewCustomConfirm("Renew "+r.CommonName, "Renew", "Cancel", container.NewVBox(text, keepKey, revokeOld), func(ok bool) {
		if !ok {
			return
		}
		opts := engine.RenewOptions{RevokeOld: revokeOld.Checked, KeepKey: keepKey.Checked}
		m.longWork("Renewing "+r.CommonName+"…", func(ctx context.Context, j jobs) (engine.Record, error) {
			return j.renew(ctx, r, opts)
		})
	}, m.app.win)
	d.Resize(fyne.NewSize(460, d.MinSize().Height))
	d.Show()
}

// longWork runs an issuing step off the UI goroutine with a progress
// dialog (RSA 4096 keys take seconds), then selects the new certificate.
func (m *mainView) longWork(message string, work func(ctx context.Context, j jobs) (engine.Record, error)) {
	m.longWorkThen(message, work, func(err error) { m.app.showError("That did not work", err) }, func() {})
}

// longWorkIn is longWork from a form: an error shows in the form, which
// stays open with what was typed; a success closes it.
func (m *mainView) longWorkIn(f *fieldForm, message string, work func(ctx context.Context, j jobs) (engine.Record, error)) {
	m.longWorkThen(message, work, func(err error) { f.fail(nil, err) }, f.close)
}

func (m *mainView) longWorkThen(message string, work func(ctx context.Context, j jobs) (engine.Record, error), failed func(error), succeeded func()) {
	ctx, cancel := context.WithCancel(m.app.ctx)
	j := m.app.jobs()
	progress := dialog.NewCustom("Working…", "Cancel", newBusyContent(message), m.app.win)
	progress.SetOnClosed(cancel)
	progress.Show()
	m.app.run.Run(func() func() {
		rec, err := work(ctx, j)
		return func() {
			cancelled := ctx.Err() != nil
			progress.Hide()
			cancel()
			if err != nil {
				failed(err)
				return
			}
			succeeded()
			m.certificateChanged(rec.ID)
			if cancelled {
				m.app.toast(fmt.Sprintf("%q was issued before the cancel arrived; revoke it if it is not wanted.", rec.CommonName))
				return
			}
			m.app.toast(fmt.Sprintf("Issued %q (serial %s).", rec.CommonName, rec.Serial))
		}
	})
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\n' }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}
