package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/export"
	"certdesk/core/pki"
)

// caForm holds the rows every form that makes a CA shares: the name, the
// organisation, days, key, path length and name constraints.
type caForm struct {
	name, org, days, pathLen, permit, exclude *widget.Entry
	key                                       *widget.Select
	fields                                    *caFields
}

// newCAForm adds the rows to f; withName false leaves out the name (a CA
// signed from a CSR is named by its request).
func newCAForm(f *fieldForm, withName bool, days int) *caForm {
	c := &caForm{name: hinted("e.g. Acme People CA"), org: hinted("optional, e.g. Acme Ltd"), days: daysEntry(days),
		pathLen: hinted("0: it signs people and servers only"), key: keyTypeSelect(), fields: &caFields{},
		permit:  hintedLines("one per line, e.g. dns:acme.example  email:acme.example  ip:10.0.0.0/8  uri:acme.example", 2),
		exclude: hintedLines("one per line, e.g. dns:secret.acme.example", 2)}
	c.pathLen.SetText("0")
	if withName {
		c.fields.name = f.add("Name", c.name, c.name, checkCAName)
		f.add("Organization", c.org, c.org, nil)
	}
	f.add("Days", c.days, c.days, c.days.Validator)
	f.add("Key", c.key, nil, nil)
	f.add("CA levels below", c.pathLen, c.pathLen, checkPathLen)
	f.add("Permitted names", c.permit, c.permit, func(s string) error { return addConstraints(&pki.Constraints{}, true, s) })
	f.add("Excluded names", c.exclude, c.exclude, func(s string) error { return addConstraints(&pki.Constraints{}, false, s) })
	return c
}

// daysWithin is the default lifetime of a CA signed by parent: the
// usual, or a day less than parent has left, so it does not outlive it.
func daysWithin(parent engine.CA, now time.Time) int {
	left := int(parent.Cert.NotAfter.Sub(now).Hours()/24) - 1
	return max(min(pki.DefaultCADays, left), 1)
}

// checkPathLen checks the path length: a whole number, or "none".
func checkPathLen(s string) error {
	_, _, err := parsePathLen(s)
	return err
}

// parsePathLen reads a path length; "none" (or "unlimited") sets no limit.
func parsePathLen(s string) (n int, noLimit bool, err error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return 0, false, nil
	}
	if s == "none" || s == "unlimited" || s == "no limit" {
		return 0, true, nil
	}
	n, err = strconv.Atoi(s)
	if err != nil || n < 0 || n > pki.MaxPathLen {
		return 0, false, fmt.Errorf("a whole number of CA levels, 0 to %d (0: no CA below it), or \"none\" for no limit", pki.MaxPathLen)
	}
	return n, false, nil
}

// addConstraints adds one KIND:VALUE constraint per line (or comma).
func addConstraints(c *pki.Constraints, permit bool, text string) error {
	for _, spec := range splitList(text) {
		if err := c.Add(permit, spec); err != nil {
			return err
		}
	}
	return nil
}

// request is the CA request the form describes (its checks passed).
func (c *caForm) request() pki.CARequest {
	n, noLimit, _ := parsePathLen(c.pathLen.Text)
	req := pki.CARequest{Name: pki.Name{CommonName: strings.TrimSpace(c.name.Text), Organization: strings.TrimSpace(c.org.Text)},
		KeyType: pki.KeyType(c.key.Selected), Validity: pki.Validity{Days: atoi(c.days.Text)}, PathLen: n, NoPathLimit: noLimit}
	_ = addConstraints(&req.Constraints, true, c.permit.Text)
	_ = addConstraints(&req.Constraints, false, c.exclude.Text)
	return req
}

// createIntermediate makes an issuing CA signed by the selected CA.
func (m *mainView) createIntermediate() {
	parent, ok := m.caForAction()
	if !ok {
		return
	}
	var c *caForm
	f := newFieldForm("New issuing CA under "+parent.Name, "Create", func(f *fieldForm) {
		req := c.request()
		name := req.Name.CommonName
		m.caWork(f, c.fields, "Creating the issuing CA "+name+"…", func(j jobs) (engine.CA, []string, error) {
			ca, err := j.createIntermediate(name, parent, req)
			return ca, nil, err
		}, "Created the issuing CA %q under "+parent.Name+". Issue people from it.")
	}, m.app.win)
	f.add("", wrapped(parent.Name+" signs the new CA; people of the new CA are trusted wherever "+parent.Name+" is."), nil, nil)
	c = newCAForm(f, true, daysWithin(parent, m.app.jobs().now()))
	f.show(620)
	m.app.win.Canvas().Focus(c.name)
}

// requestCA makes a CA whose root Certdesk does not hold: its key is
// sealed here, its CSR saved where the person chooses.
func (m *mainView) requestCA() {
	var c *caForm
	f := newFieldForm("Request a CA from an offline root", "Save the request…", func(f *fieldForm) {
		req := c.request()
		name := req.Name.CommonName
		m.app.picker.Save("Save the CA's request (CSR)", export.FileStem(name)+".csr", func(path string) {
			if path == "" {
				return
			}
			m.caWork(f, c.fields, "Making the key and request of "+name+"…", func(j jobs) (engine.CA, []string, error) {
				_, err := j.requestCA(name, req, path)
				return engine.CA{}, nil, err
			}, "Saved the request of %q to "+path+". Have the root sign it, then select the CA and install its certificate.")
		})
	}, m.app.win)
	f.add("", wrapped("The key is made and sealed in this vault; a request (CSR) is saved for the offline root to sign. "+
		"The CA waits in the list until you install the signed certificate."), nil, nil)
	c = newCAForm(f, true, pki.DefaultCADays)
	f.show(620)
	m.app.win.Canvas().Focus(c.name)
}

// installCACert completes the selected pending CA with its certificate.
func (m *mainView) installCACert() {
	name := m.pendingSel
	if name == "" && len(m.tree.pending) == 1 {
		name = m.tree.pending[0].Name
	}
	if name == "" {
		dialog.ShowInformation("Choose a waiting CA", "Select the CA that waits for its certificate in the list on the left.", m.app.win)
		return
	}
	certPath, certRow := m.fileEntry("the signed certificate, then its issuers up to the root", "The signed certificate of "+name)
	fields := &caFields{}
	f := newFieldForm("Install the certificate of "+name, "Install", func(f *fieldForm) {
		p := certPath.Text
		m.caWork(f, fields, "Installing the certificate of "+name+"…", func(j jobs) (engine.CA, []string, error) {
			return j.installCACert(name, p)
		}, "%q has its certificate: it can issue now.")
	}, m.app.win)
	f.add("", wrapped("A PEM file with the certificate the root signed first, then the CAs above it up to the root."), nil, nil)
	fields.file = f.add("Certificate", certRow, certPath, required("choose the file with the signed certificate"))
	f.show(560)
}

// signIntermediate signs a CSR as an issuing CA under the selected CA and
// saves its certificate with the chain.
func (m *mainView) signIntermediate() {
	ca, ok := m.caForAction()
	if !ok {
		return
	}
	csrPath, csrRow := m.fileEntry("the CA's request, e.g. team.csr", "The CA's request (CSR)")
	var c *caForm
	f := newFieldForm("Sign an intermediate CA with "+ca.Name, "Sign and save…", func(f *fieldForm) {
		req, csr := c.request(), csrPath.Text
		m.app.picker.Save("Save the new CA's certificate with its chain", "intermediate-chain.pem", func(out string) {
			if out == "" {
				return
			}
			m.longWorkIn(f, "Signing the intermediate CA…", func(ctx context.Context, j jobs) (engine.Record, error) {
				return j.signIntermediate(ctx, ca, csr, req, out)
			})
		})
	}, m.app.win)
	f.add("", wrapped("The request's name and key become a CA under "+ca.Name+". Its path length and name constraints are the ones set here, never the request's."), nil, nil)
	c = newCAForm(f, false, daysWithin(ca, m.app.jobs().now()))
	c.fields.file = f.add("Request (CSR)", csrRow, csrPath, required("choose the CA's request (CSR) file"))
	f.show(620)
}
