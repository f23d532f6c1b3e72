package ui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/export"
	"certdesk/core/pki"
)

// openssl runs openssl in dir, bounded in time; it fails the test when
// openssl is missing (it is in the Makefile's TEST_CMDS).
func openssl(t *testing.T, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "openssl", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// menuItem runs the CA panel's More… item whose label starts with label.
func (h *harness) menuItem(label string) {
	h.t.Helper()
	h.settle()
	for _, item := range h.app.main.moreMenu() {
		if strings.HasPrefix(item.Label, label) {
			item.Action()
			h.settle()
			return
		}
	}
	h.t.Fatalf("no menu item %q", label)
}

// seesLabel checks that visible labels say each of want, whole however
// they wrap on screen.
func (h *harness) seesLabel(want ...string) {
	h.t.Helper()
	h.settle()
	var texts []string
	for _, o := range h.objects() {
		if l, ok := o.(*widget.Label); ok && l.Visible() {
			texts = append(texts, l.Text)
		}
	}
	all := strings.Join(texts, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			h.t.Fatalf("no label says %q; the labels say:\n%s", w, all)
		}
	}
}

// selectCAName selects a CA of the tree by name.
func (h *harness) selectCAName(name string) engine.CA {
	h.t.Helper()
	m := h.app.main
	for _, ca := range m.cas {
		if ca.Name == name {
			m.selectCA(ca.ID)
			h.settle()
			return ca
		}
	}
	h.t.Fatalf("no CA %q in the list", name)
	return engine.CA{}
}

// selectByText chooses the option of the visible select that offers it.
func (h *harness) selectByText(option string) {
	h.t.Helper()
	h.settle()
	for _, o := range h.objects() {
		if s, ok := o.(*widget.Select); ok {
			for _, opt := range s.Options {
				if strings.HasPrefix(opt, option) {
					s.SetSelected(opt)
					h.settle()
					return
				}
			}
		}
	}
	h.t.Fatalf("no select offers %q", option)
}

// treeRows are the CA list's rows as shown: the text, indented by depth.
func treeRows(m *mainView) []string {
	var out []string
	for i := range len(m.cas) + 1 + len(m.tree.pending) {
		r := m.caRowAt(i)
		out = append(out, strings.Repeat("  ", r.depth)+r.text)
	}
	return out
}

// TestHierarchyInTheApp builds a root and an issuing CA in the app, adds a
// profile and issues a service identity with it, requests a CA from an
// offline root made by openssl and installs what openssl signed, signs an
// intermediate from an openssl CSR, and checks every certificate with
// openssl verify.
func TestHierarchyInTheApp(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, Options{VaultPath: emptyVault(t, dir)})
	h.app.Start()
	h.settle()
	m := h.app.main

	// A root that may have issuing CAs below it.
	h.tap("Create my CA")
	h.typeInto("e.g. Acme Clients CA", "Acme Root")
	h.refusedThenFixed("0; 1 lets", "Create", "two", "whole number of CA levels, 0 to", "2")
	h.seesLabel("Acme Root", "Path length 2: up to 2 levels of CAs below it.")

	// An issuing CA under it, with name constraints; a bad one is told
	// beside its field and what was typed stays.
	h.menuItem("New issuing CA under the selected CA")
	h.sees("New issuing CA under Acme Root")
	h.typeInto("e.g. Acme People CA", "Acme People")
	h.typeInto("0: it signs people", "1")
	h.entry("one per line, e.g. dns:acme").SetText("email:acme.example\nuri\n")
	h.tap("Create")
	seesFormError(h, "is not KIND:VALUE")
	if h.entry("e.g. Acme People CA").Text != "Acme People" {
		t.Fatal("the form lost the name")
	}
	h.entry("one per line, e.g. dns:acme").SetText("email:acme.example\nuri:acme.example")
	h.tap("Create")
	h.seesLabel("Issuing CA under Acme Root.",
		"Path length 1: up to 1 level of CAs below it.", "Issues only for names in email:acme.example, uri:acme.example (name constraints).")
	if got := strings.Join(treeRows(m), "|"); got != "All certificates|Acme Root|  Acme People" {
		t.Fatalf("the tree shows %q", got)
	}

	// A profile for services, made the default of Acme People.
	h.menuItem("Issuance profiles")
	h.sees("No profile yet")
	h.tap("Add a profile")
	h.typeInto("e.g. devices", "services")
	h.typeInto("optional, e.g. 90", "90")
	h.selectByText("client+server")
	for _, o := range h.objects() {
		if g, ok := o.(*widget.CheckGroup); ok {
			g.SetSelected([]string{"uri"})
		}
	}
	h.tap("Add")
	h.seesLabel("services — 90 days, names: uri, usage: client+server")
	h.tap("Default for Acme People")
	h.seesLabel("Default of Acme People")
	saveShot(t, h, "profiles.png")
	h.tap("Close")

	// A service identity: the default profile is chosen and fills the form.
	h.tap("New person")
	h.sees("New person certificate from Acme People")
	usageChosen := false
	for _, o := range h.objects() {
		if s, ok := o.(*widget.Select); ok && s.Selected == usageLabels["client+server"] {
			usageChosen = true
		}
	}
	if !usageChosen {
		t.Fatal("the profile's usage (client+server) was not chosen")
	}
	if h.entry("C, e.g. DE").Text != "" || !strings.Contains(h.text(), "services") {
		t.Fatalf("the profile is not chosen:\n%s", h.text())
	}
	h.typeInto("e.g. Alice Example", "billing")
	h.typeInto("optional, e.g. spiffe://", "spiffe://other.example/ns/prod/sa/billing")
	h.typeInto("C, e.g. DE", "de")
	h.tap("Issue")
	seesFormError(h, "two-letter code in capitals")
	h.typeInto("C, e.g. DE", "DE")
	h.typeInto("L, e.g. Berlin", "Berlin")
	h.tap("Issue")
	saveShot(t, h, "issue-person.png")
	seesFormError(h, "other.example") // outside the CA's name constraints: refused before signing
	h.typeInto("optional, e.g. spiffe://", "spiffe://acme.example/ns/prod/sa/billing")
	h.tap("Issue")
	h.sees(`Issued "billing"`)
	h.seesLabel("spiffe://acme.example/ns/prod/sa/billing", "C=DE", "L=Berlin")

	// The chain of billing, as exported, verifies with openssl as a
	// client and a server.
	v := m.app.engine
	ctx := context.Background()
	recs, _ := v.List(ctx, engine.Filter{Search: "billing"})
	if len(recs) != 1 {
		t.Fatalf("billing: %d records", len(recs))
	}
	root := h.selectCAName("Acme Root")
	exportPEM(t, v, root.CertID, filepath.Join(dir, "root.pem"), false)
	exportPEM(t, v, recs[0].ID, filepath.Join(dir, "billing-chain.pem"), true)
	for _, purpose := range []string{"sslclient", "sslserver"} {
		out := openssl(t, dir, "verify", "-purpose", purpose, "-CAfile", "root.pem", "-untrusted", "billing-chain.pem", "billing-chain.pem")
		if !strings.Contains(out, "OK") {
			t.Fatalf("openssl verify -purpose %s: %s", purpose, out)
		}
	}

	// A CA whose root is offline: the CSR is saved, the CA waits, openssl
	// signs it as a root of its own, and the certificate is installed.
	h.menuItem("Request a CA from an offline root")
	h.typeInto("e.g. Acme People CA", "Acme Services")
	h.picker.save = filepath.Join(dir, "services.csr")
	h.tap("Save the request")
	h.sees("Acme Services\nwaiting for its certificate")
	openssl(t, dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "offline.key",
		"-out", "offline.pem", "-subj", "/CN=Offline Root", "-days", "800", "-addext", "basicConstraints=critical,CA:TRUE,pathlen:1")
	os.WriteFile(filepath.Join(dir, "ca.ext"), []byte("basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n"+
		"subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"), 0o600)
	openssl(t, dir, "x509", "-req", "-in", "services.csr", "-CA", "offline.pem", "-CAkey", "offline.key", "-CAcreateserial",
		"-days", "700", "-extfile", "ca.ext", "-out", "services.pem")
	signed, _ := os.ReadFile(filepath.Join(dir, "services.pem"))
	offline, _ := os.ReadFile(filepath.Join(dir, "offline.pem"))
	os.WriteFile(filepath.Join(dir, "services-chain.pem"), append(signed, offline...), 0o600)
	os.WriteFile(filepath.Join(dir, "junk.pem"), []byte("not a certificate"), 0o600)
	// The offline root is trusted (its certificate only), so chains of
	// Acme Services reach a root the server knows.
	m.trustCA()
	h.typeInto("a name for it in Certdesk", "Offline Root")
	h.typeInto("its certificate file", filepath.Join(dir, "offline.pem"))
	h.tap("Trust")
	h.sees("Offline Root (trust only)")
	m.caList.Select(len(m.cas) + 1) // the pending row
	h.seesLabel("Acme Services is waiting for its certificate.")
	h.tap("Install its certificate")
	h.refusedThenFixed("the signed certificate, then", "Install", filepath.Join(dir, "junk.pem"), "junk.pem", filepath.Join(dir, "services-chain.pem"))
	h.sees(`"Acme Services" has its certificate: it can issue now.`)
	h.doesNotSee("waiting for its certificate")
	rows := strings.Join(treeRows(m), "|")
	if !strings.Contains(rows, "Acme Root|  Acme People") || !strings.Contains(rows, "Acme Services") {
		t.Fatalf("the tree after installing shows %q", rows)
	}

	// A person of the offline hierarchy verifies up to the openssl root.
	h.selectCAName("Acme Services")
	h.tap("New person")
	h.sees("(no profile)")
	h.seesLabel("Issuing CA signed by Offline Root, which this vault does not run")
	h.typeInto("e.g. Alice Example", "Sam Services")
	h.tap("Issue")
	h.sees(`Issued "Sam Services"`)
	sam, _ := v.List(ctx, engine.Filter{Search: "Sam Services"})
	exportPEM(t, v, sam[0].ID, filepath.Join(dir, "sam-chain.pem"), true)
	if out := openssl(t, dir, "verify", "-purpose", "sslclient", "-CAfile", "offline.pem", "-untrusted", "sam-chain.pem", "sam-chain.pem"); !strings.Contains(out, "OK") {
		t.Fatalf("openssl verify of Sam: %s", out)
	}

	// An intermediate signed from a CSR: our path length and constraints,
	// not the request's.
	openssl(t, dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "team.key",
		"-out", "team.csr", "-subj", "/CN=Team CA", "-addext", "basicConstraints=critical,CA:TRUE,pathlen:5")
	h.selectCAName("Acme Root")
	h.menuItem("Sign an intermediate CA from a CSR")
	h.typeInto("the CA's request", filepath.Join(dir, "team.csr"))
	h.entry("one per line, e.g. dns:acme").SetText("dns:team.acme.example")
	h.picker.save = filepath.Join(dir, "team-chain.pem")
	h.tap("Sign and save")
	h.sees(`Issued "Team CA"`)
	text := openssl(t, dir, "x509", "-in", "team-chain.pem", "-noout", "-text")
	if !strings.Contains(text, "pathlen:0") || !strings.Contains(text, "DNS:team.acme.example") {
		t.Fatalf("the signed intermediate:\n%s", text)
	}
	if out := openssl(t, dir, "verify", "-CAfile", "root.pem", "team-chain.pem"); !strings.Contains(out, "OK") {
		t.Fatalf("openssl verify of Team CA: %s", out)
	}
	// The detail pane of the CA shows its path length and constraints.
	m.table.table.Select(widget.TableCellID{Row: findRow(t, m, "Team CA"), Col: 1})
	h.seesLabel("Path length 0: it signs people and servers, no CA.", "permit dns:team.acme.example")

	// The test server trusts Acme People, Acme Services and the offline
	// root at once; a person of Acme Root alone is not let in; a verify
	// depth of 1 refuses Tess, two CAs below the root, 2 lets her in.
	h.selectCAName("Acme Root")
	h.tap("New person")
	h.typeInto("e.g. Alice Example", "Rita Root")
	h.tap("Issue")
	h.sees(`Issued "Rita Root"`)
	// Tess is two CAs below the root: Acme Teams, made under Acme People
	// through the engine.
	people := h.selectCAName("Acme People")
	teams, err := v.CreateIntermediate(ctx, "Acme Teams", people, pki.CARequest{Name: pki.Name{CommonName: "Acme Teams"}, Validity: pki.Validity{Days: 365}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.IssuePersonWith(ctx, teams, "", pki.PersonRequest{Name: pki.Name{CommonName: "Tess Teams"}, URIs: []string{"https://acme.example/tess"}, Validity: pki.Validity{Days: 30}}); err != nil {
		t.Fatal(err)
	}
	m.reload()
	h.settle()
	if got := strings.Join(treeRows(m), "|"); !strings.Contains(got, "Acme Root|  Acme People|    Acme Teams") {
		t.Fatalf("the tree shows %q", got)
	}
	m.showTab(tabServer)
	s := m.server
	s.lifecycle.caSelect.SetSelected("Acme People")
	h.tap("Also trust")
	h.sees(`The server always trusts "Acme People"`)
	for _, o := range h.objects() {
		if g, ok := o.(*widget.CheckGroup); ok {
			g.SetSelected([]string{"Acme Services", "Offline Root"})
		}
	}
	saveShot(t, h, "also-trust.png")
	h.tap("Apply")
	h.tap("Start server")
	h.seesLabel(`trusting "Acme People" and 2 more CAs.`)
	if got := len(s.live().also); got != 2 {
		t.Fatalf("the server trusts %d more CAs, want 2", got)
	}
	try := func(name, want string) {
		t.Helper()
		h.settle()
		for _, r := range s.try.records {
			if r.CommonName == name {
				s.setTryAs(r)
			}
		}
		h.tap("Connect as " + name)
		h.sees(want)
	}
	try("billing", `Let in — as "billing": every check passed`)
	try("Sam Services", `Let in — as "Sam Services": every check passed`)
	try("Rita Root", `Refused — as "Rita Root"`)
	try("Tess Teams", `Let in — as "Tess Teams": every check passed`)

	h.tap("+2 CA(s)")
	h.refusedThenFixed("empty: the default", "Apply", "0", "whole number from 1 to 100", "1")
	h.seesLabel("(verify depth 1)")
	try("billing", `Let in — as "billing": every check passed`)
	try("Tess Teams", `Refused — as "Tess Teams"`)
	h.tap("+2 CA(s)")
	h.typeInto("empty: the default", "2")
	h.tap("Apply")
	h.seesLabel("(verify depth 2)")
	try("Tess Teams", `Let in — as "Tess Teams": every check passed`)
	h.tap("Stop server")
	m.showTab(tabCertificates)
	m.selectCA(root.ID)
	saveShot(t, h, "ca-tree.png")
}

// exportPEM writes a certificate (with its chain when chain is set) as PEM.
func exportPEM(t *testing.T, v *engine.Engine, id int64, path string, chain bool) {
	t.Helper()
	format := export.PEM
	if chain {
		format = export.Chain
	}
	if _, err := v.Export(context.Background(), engine.ExportRequest{ID: id, Format: format, Path: path, Replace: true}); err != nil {
		t.Fatal(err)
	}
}

// TestServerDialogKeepsInputAndUsage: a bad IP address is told beside its
// field with what was typed kept; a service certificate for client and
// server with a URI is issued; a profile can be removed again.
func TestServerDialogKeepsInputAndUsage(t *testing.T) {
	h, _ := startWithCA(t)
	h.tap("New server")
	h.sees("New server certificate from Acme", "(no profile)")
	h.typeInto("e.g. www.example.com", "api.example.com")
	h.typeInto("optional, e.g. 127.0.0.1", "10.0.0.300")
	h.typeInto("optional, e.g. spiffe://", "spiffe://example.com/api")
	h.selectByText("client+server")
	h.tap("Issue")
	seesFormError(h, "10.0.0.300")
	if h.entry("e.g. www.example.com").Text != "api.example.com" {
		t.Fatal("the form lost the DNS names")
	}
	h.typeInto("optional, e.g. 127.0.0.1", "10.0.0.30")
	h.tap("Issue")
	h.sees(`Issued "api.example.com"`)
	h.seesLabel("spiffe://example.com/api", "10.0.0.30")
	rec, _ := h.app.engine.List(context.Background(), engine.Filter{Search: "api.example.com"})
	info, err := h.app.engine.Describe(context.Background(), rec[0].ID)
	if eku := strings.Join(info.ExtKeyUsage, ","); err != nil || eku != "clientAuth,serverAuth" && eku != "serverAuth,clientAuth" {
		t.Fatalf("usages %q, %v", info.ExtKeyUsage, err)
	}

	h.menuItem("Issuance profiles")
	h.tap("Add a profile")
	h.typeInto("e.g. devices", "short")
	h.refusedThenFixed("optional, e.g. 90", "Add", "0", "whole number of days", "7")
	h.seesLabel("short — 7 days")
	h.tap("Remove")
	h.sees("No profile yet")
}

func TestParsePathLenAndDepth(t *testing.T) {
	for _, c := range []struct {
		in      string
		n       int
		noLimit bool
		bad     bool
	}{{"", 0, false, false}, {"0", 0, false, false}, {" 2 ", 2, false, false}, {"none", 0, true, false}, {"-1", 0, false, true}, {"99", 0, false, true}, {"two", 0, false, true}} {
		n, noLimit, err := parsePathLen(c.in)
		if n != c.n || noLimit != c.noLimit || (err != nil) != c.bad {
			t.Errorf("parsePathLen(%q) = %d, %v, %v", c.in, n, noLimit, err)
		}
	}
	for in, bad := range map[string]bool{"": false, "1": false, "100": false, "0": true, "101": true, "x": true} {
		if err := checkDepth(in); (err != nil) != bad {
			t.Errorf("checkDepth(%q) = %v", in, err)
		}
	}
}
