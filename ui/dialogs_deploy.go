package ui

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/deploy"
	"certdesk/core/pki"
	"certdesk/core/vault"
)

// serverLabels name the servers Certdesk configures, as the dialog shows them.
var serverLabels = map[deploy.Target]string{
	deploy.Nginx: "nginx", deploy.Apache: "Apache httpd", deploy.HAProxy: "HAProxy", deploy.Caddy: "Caddy",
	deploy.Python: "Python (ssl module)", deploy.Gunicorn: "Gunicorn", deploy.Go: "Go net/http",
}

// configureServer writes a deployment kit: the CA, a fresh CRL, a server
// certificate and key, and the commented configuration of the chosen
// servers, so a real server checks this CA's client certificates.
func (m *mainView) configureServer() {
	ca, ok := m.caForAction()
	if !ok {
		return
	}
	var labels []string
	for _, t := range deploy.Targets {
		labels = append(labels, serverLabels[t])
	}
	servers := widget.NewCheckGroup(labels, nil)
	servers.SetSelected([]string{serverLabels[deploy.Nginx]})
	name := widget.NewEntry()
	name.SetPlaceHolder("server DNS name, e.g. app.example.com")
	name.SetText("localhost")
	existing := m.serverCertificates(ca)
	const newCert = "A new one for this name:"
	certChoices := []string{newCert}
	for _, r := range existing {
		certChoices = append(certChoices, serverChoice(r))
	}
	certSelect := widget.NewSelect(certChoices, func(choice string) {
		if choice == newCert {
			name.Enable()
		} else {
			name.Disable()
		}
	})
	certSelect.SetSelected(newCert)
	listen := widget.NewEntry()
	listen.SetText("0.0.0.0:8443")
	backend := widget.NewEntry()
	backend.SetText("127.0.0.1:8080")
	intro := widget.NewLabel(fmt.Sprintf("Certdesk writes, into a folder you choose: the CA %q, a fresh CRL, a new server certificate with its key, "+
		"and for each server a configuration that accepts only this CA's valid, unrevoked clients. Comments explain every line and the identity "+
		"headers your application receives.", ca.Name))
	intro.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem("Servers", servers),
		widget.NewFormItem("Server certificate", certSelect),
		widget.NewFormItem("Server name", name),
		widget.NewFormItem("Listen on", listen),
		widget.NewFormItem("Application", backend),
	)
	d := dialog.NewCustomConfirm("Configure a server for "+ca.Name, "Choose folder…", "Cancel", container.NewVBox(intro, form), func(ok bool) {
		if !ok {
			return
		}
		var targets []deploy.Target
		for _, t := range deploy.Targets {
			for _, s := range servers.Selected {
				if s == serverLabels[t] {
					targets = append(targets, t)
				}
			}
		}
		if len(targets) == 0 {
			dialog.ShowInformation("No server chosen", "Tick at least one server to configure.", m.app.win)
			return
		}
		opts := vault.DeployOptions{}
		var err error
		for _, r := range existing {
			if certSelect.Selected == serverChoice(r) {
				opts.ServerID = r.ID
			}
		}
		if opts.ServerID == 0 {
			opts.Request, err = serverRequestFor(strings.TrimSpace(name.Text))
		}
		if err == nil {
			err = deploy.CheckAddresses(strings.TrimSpace(listen.Text), strings.TrimSpace(backend.Text))
		}
		if err != nil {
			m.app.showError("Nothing was written", err)
			return
		}
		m.app.picker.Folder("Folder for the server files", func(dir string) {
			if dir == "" {
				return
			}
			if err := deploy.PrepareFolder(dir, targets, false); err != nil {
				m.app.showError("Nothing was written", err)
				return
			}
			m.writeKit(ca, dir, targets, opts, strings.TrimSpace(listen.Text), strings.TrimSpace(backend.Text))
		})
	}, m.app.win)
	d.Resize(fyne.NewSize(560, d.MinSize().Height))
	d.Show()
}

// serverCertificates are the CA's server certificates a kit can carry:
// with their key, not revoked, not expired.
func (m *mainView) serverCertificates(ca vault.CA) []vault.Record {
	recs, err := m.app.vault.List(m.app.ctx, vault.Filter{CAID: ca.ID, Kind: vault.KindServer, Sort: vault.SortNotAfter, Descending: true, Limit: 50})
	if err != nil {
		return nil
	}
	now := m.app.vault.Now()
	var out []vault.Record
	for _, r := range recs {
		if r.HasKey && !r.Revoked() && now.Before(r.NotAfter) {
			out = append(out, r)
		}
	}
	return out
}

func serverChoice(r vault.Record) string {
	return fmt.Sprintf("%s (#%d, until %s)", r.CommonName, r.ID, r.NotAfter.Format("2006-01-02"))
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

func (m *mainView) writeKit(ca vault.CA, dir string, targets []deploy.Target, opts vault.DeployOptions, listen, backend string) {
	busy := m.app.busy("Writing the server files…")
	m.app.run.Run(func() func() {
		kit, err := m.app.vault.DeployKit(m.app.ctx, ca, opts)
		var written []string
		if err == nil {
			kit.Listen, kit.Backend = listen, backend
			written, err = deploy.WriteKit(dir, kit, targets, false)
		}
		return func() {
			busy.Hide()
			m.reloadKeepingSelection()
			if err != nil {
				m.app.showError("The server files were not written", err)
				return
			}
			var names []string
			for _, p := range written {
				names = append(names, filepath.Base(p))
			}
			dialog.ShowInformation("Server files written", fmt.Sprintf("Wrote to %s:\n%s\n\nEach configuration explains itself in comments. "+
				"After revoking someone, publish the CRL again over %s and reload the server.", dir, strings.Join(names, ", "),
				filepath.Join(dir, deploy.CRLFileName)), m.app.win)
		}
	})
}
