package ui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/deploy"
	"certdesk/core/engine"
	"certdesk/core/pki"
	"certdesk/core/plain"
)

// serverLabels name the servers Certdesk configures, as the dialog shows them.
var serverLabels = map[deploy.Target]string{
	deploy.Nginx: "nginx", deploy.Apache: "Apache httpd", deploy.HAProxy: "HAProxy", deploy.Caddy: "Caddy",
	deploy.Python: "Python (ssl module)", deploy.Gunicorn: "Gunicorn", deploy.Go: "Go net/http",
}

// configureServer writes a deployment kit: the CA, a fresh CRL, a server
// certificate and key, and the commented configuration of the chosen
// servers, so a real server checks this CA's client certificates. It
// first reads, in the background, the server certificates a kit can reuse.
func (m *mainView) configureServer() {
	ca, ok := m.caForAction()
	if !ok {
		return
	}
	j := m.app.jobs()
	m.app.run.Run(func() func() {
		existing, _ := j.serverCertificates(ca)
		return func() { m.askKit(ca, existing) }
	})
}

// kitForm is the deployment dialog's fields.
type kitForm struct {
	servers    *widget.CheckGroup
	certSelect *widget.Select
	name       *widget.Entry
	listen     *widget.Entry
	backend    *widget.Entry
	existing   []engine.Record
}

// newCertChoice is the certificate choice that issues a new one.
const newCertChoice = "A new one for this name:"

func newKitForm(existing []engine.Record) *kitForm {
	f := &kitForm{existing: existing, name: widget.NewEntry(), listen: widget.NewEntry(), backend: widget.NewEntry()}
	var labels []string
	for _, t := range deploy.Targets {
		labels = append(labels, serverLabels[t])
	}
	f.servers = widget.NewCheckGroup(labels, nil)
	f.servers.SetSelected([]string{serverLabels[deploy.Nginx]})
	f.name.SetPlaceHolder("server DNS name, e.g. app.example.com")
	f.name.SetText("localhost")
	certChoices := []string{newCertChoice}
	for _, r := range existing {
		certChoices = append(certChoices, serverChoice(r))
	}
	f.certSelect = widget.NewSelect(certChoices, func(choice string) {
		if choice == newCertChoice {
			f.name.Enable()
		} else {
			f.name.Disable()
		}
	})
	f.certSelect.SetSelected(newCertChoice)
	f.listen.SetText("0.0.0.0:8443")
	f.backend.SetText("127.0.0.1:8080")
	return f
}

// targets are the servers ticked.
func (f *kitForm) targets() []deploy.Target {
	var targets []deploy.Target
	for _, t := range deploy.Targets {
		for _, s := range f.servers.Selected {
			if s == serverLabels[t] {
				targets = append(targets, t)
			}
		}
	}
	return targets
}

// options are the kit's server certificate (one chosen, or a request) and
// its addresses.
func (f *kitForm) options() (engine.DeployRequest, error) {
	opts := engine.DeployRequest{Listen: strings.TrimSpace(f.listen.Text), Backend: strings.TrimSpace(f.backend.Text)}
	var err error
	for _, r := range f.existing {
		if f.certSelect.Selected == serverChoice(r) {
			opts.ServerID = r.ID
		}
	}
	if opts.ServerID == 0 {
		opts.Request, err = serverRequestFor(strings.TrimSpace(f.name.Text))
	}
	if err == nil {
		err = deploy.CheckAddresses(opts.Listen, opts.Backend)
	}
	return opts, err
}

// askKit shows the deployment dialog, then asks for the folder.
func (m *mainView) askKit(ca engine.CA, existing []engine.Record) {
	f := newKitForm(existing)
	intro := widget.NewLabel(fmt.Sprintf("Certdesk writes, into a folder you choose: the CA %q, a fresh CRL, a new server certificate with its key, "+
		"and for each server a configuration that accepts only this CA's valid, unrevoked clients. Comments explain every line and the identity "+
		"headers your application receives.", ca.Name))
	intro.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem("Servers", f.servers),
		widget.NewFormItem("Server certificate", f.certSelect),
		widget.NewFormItem("Server name", f.name),
		widget.NewFormItem("Listen on", f.listen),
		widget.NewFormItem("Application", f.backend),
	)
	d := dialog.NewCustomConfirm("Configure a server for "+ca.Name, "Choose folder…", "Cancel", container.NewVBox(intro, form), func(ok bool) {
		if ok {
			m.kitChosen(ca, f)
		}
	}, m.app.win)
	d.Resize(fyne.NewSize(560, d.MinSize().Height))
	d.Show()
}

func (m *mainView) kitChosen(ca engine.CA, f *kitForm) {
	targets := f.targets()
	if len(targets) == 0 {
		dialog.ShowInformation("No server chosen", "Tick at least one server to configure.", m.app.win)
		return
	}
	opts, err := f.options()
	if err != nil {
		m.app.showError("Nothing was written", err)
		return
	}
	opts.CA, opts.Servers = ca, targets
	m.app.picker.Folder("Folder for the server files", func(dir string) {
		if dir != "" {
			opts.Dir = dir
			m.writeKit(opts)
		}
	})
}

func serverChoice(r engine.Record) string {
	return fmt.Sprintf("%s (#%d, until %s)", r.CommonName, r.ID, plain.Date(r.NotAfter))
}

// serverRequestFor makes the request for the kit's server certificate from
// a DNS name or an IP address.
func serverRequestFor(name string) (pki.ServerRequest, error) {
	if name == "" {
		name = "localhost"
	}
	if ips, err := pki.ParseIPs([]string{name}); err == nil {
		return pki.ServerRequest{IPAddresses: ips}, nil
	}
	return pki.ServerRequest{DNSNames: []string{name}}, nil
}

// writeKit prepares the folder and writes the kit in the background.
func (m *mainView) writeKit(req engine.DeployRequest) {
	busy := m.app.busy("Writing the server files…")
	j, dir := m.app.jobs(), req.Dir
	m.app.run.Run(func() func() {
		kit, err := j.writeKit(req)
		return func() {
			busy.Hide()
			m.reloadKeepingSelection()
			if unchanged := (*engine.UnchangedError)(nil); errors.As(err, &unchanged) {
				m.app.showError("Nothing was written", err)
				return
			} else if err != nil {
				m.app.showError("The server files were not written", err)
				return
			}
			var names []string
			for _, p := range kit.Files {
				names = append(names, filepath.Base(p))
			}
			dialog.ShowInformation("Server files written", fmt.Sprintf("Wrote to %s:\n%s\n\nEach configuration explains itself in comments. "+
				"After revoking someone, publish the CRL again over %s and reload the server.", dir, strings.Join(names, ", "),
				filepath.Join(dir, deploy.CRLFileName)), m.app.win)
		}
	})
}
