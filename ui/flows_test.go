package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"certdesk/core/engine"
	"certdesk/core/pki"
)

// TestFirstStart: welcome → create a vault with a passphrase → create my CA.
func TestFirstStart(t *testing.T) {
	h := newHarness(t, Options{})
	h.app.Start()
	h.sees("Welcome to Certdesk", "Create a vault", "Open a vault…", "Try the demo")
	h.tap("Create a vault")
	h.sees("Create a vault", "Use a long passphrase")
	h.typeInto("at least 8", "short")
	h.sees("too easy to guess", "at least 8 characters")
	h.typeInto("type it again", "short")
	h.tap("Create vault")
	h.sees("the passphrase is too easy to guess")
	h.typeInto("at least 8", "correct horse battery staple")
	h.sees("Strength: strong enough")
	h.doesNotSee("the passphrase is too easy to guess") // no stale refusal beside "strong"
	h.refusedThenFixed("type it again", "Create vault", "correct horse battery stapl", "the two passphrases differ", "correct horse battery staple")
	h.sees("Start with a CA", "Create my CA", "Import a CA")
	if st, err := os.Stat(filepath.Join(h.dir, "vault.db")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("vault file: %v %v", st, err)
	}

	h.tap("Create my CA")
	h.sees("Create a CA")
	h.typeInto("e.g. Acme Clients CA", "Acme People CA")
	h.tap("Create")
	h.sees("Acme People CA", "ECDSA P-256", "CRL: none published yet")
	h.doesNotSee("Start with a CA")

	// Reopening asks for the passphrase; a wrong one says so and changes nothing.
	h.app.Close()
	h2 := newHarness(t, Options{VaultPath: filepath.Join(h.dir, "vault.db")})
	h2.app.Start()
	h2.sees("Unlock your vault")
	h2.refusedThenFixed("passphrase", "Unlock", "wrong passphrase", "That passphrase is wrong", "correct horse battery staple")
	h2.sees("Acme People CA")
}

// TestIssueSearchRevokeExport drives the main flows of an admin.
func TestIssueSearchRevokeExport(t *testing.T) {
	h, dir := startWithCA(t)
	h.sees("Acme", "1 certificate(s)")

	h.tap("New person")
	h.sees("New person certificate from Acme")
	h.typeInto("e.g. Alice Example", "Alice Example")
	h.typeInto("optional, e.g. alice", "alice@example.com")
	h.tap("Issue")
	h.sees("Alice Example", "alice@example.com", "2 certificate(s)", "Issued \"Alice Example\"")

	h.tap("New person")
	h.typeInto("e.g. Alice Example", "Bob Builder")
	h.tap("Issue")
	h.sees("Bob Builder", "3 certificate(s)")

	personFormKeepsInput(t, h)
	h.tap("Cancel")
	h.sees("3 certificate(s)")

	// Search.
	h.typeInto("Search name", "alice@")
	h.sees("1 certificate(s)", "Alice Example")
	if r, _ := h.app.main.table.row(0); h.app.main.table.total != 1 || r.CommonName != "Alice Example" {
		t.Fatalf("search for alice@ shows %d rows, first %q", h.app.main.table.total, r.CommonName)
	}
	h.typeInto("Search name", "")
	h.sees("3 certificate(s)")

	// Select Alice: the detail pane shows her certificate.
	m := h.app.main
	alice := findRow(t, m, "Alice Example")
	m.table.table.Select(widget.TableCellID{Row: alice, Col: 1})
	h.sees("SHA-256", "SHA-1", "days left", "logging in as a client and making", "(clientAuth, digitalSignature)", "Serial (decimal)")

	// Revoke, with a confirmation naming her.
	h.tap("Revoke…")
	h.sees("Revoke the certificate of \"Alice Example\"")
	h.tap("Revoke Alice Example")
	h.sees("revoked", "its private key may have been stolen or exposed", "Revoked \"Alice Example\"")
	rec, _ := h.app.Vault().Find(context.Background(), "Alice Example")
	if !rec.Revoked() {
		t.Fatal("the vault does not hold the revocation")
	}
	h.tap("Unrevoke…")
	h.tap("Yes")
	h.sees("is valid again")

	// Export a PKCS#12 with the generated password.
	h.picker.save = filepath.Join(dir, "alice.p12")
	h.tap("Export…")
	h.sees("PKCS#12 (.p12)", "For macOS, Windows, Android, iOS and browsers")
	password := h.entry("password").Text
	if len(password) != 23 {
		t.Fatalf("no generated password: %q", password)
	}
	h.tap("Save…")
	h.sees("Password (shown once", password)
	data, err := os.ReadFile(h.picker.save)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(h.picker.save); st.Mode().Perm() != 0o600 {
		t.Errorf("p12 mode %v", st.Mode().Perm())
	}
	if _, cert, _, err := pkcs12.DecodeChain(data, password); err != nil || cert.Subject.CommonName != "Alice Example" {
		t.Fatalf("the exported p12 does not open with the shown password: %v", err)
	}

	// Publish a CRL.
	h.tap("Done")
	h.picker.save = filepath.Join(dir, "acme-crl.pem")
	h.tap("Publish CRL…")
	h.sees("CRL published", "CRL #1 of Acme")
	if data, err := os.ReadFile(h.picker.save); err != nil || !strings.Contains(string(data), "BEGIN X509 CRL") {
		t.Errorf("CRL file: %v", err)
	}
}

func findRow(t *testing.T, m *mainView, name string) int {
	t.Helper()
	for i := 0; i < m.table.total; i++ {
		if r, ok := m.table.row(i); ok && r.CommonName == name {
			return i
		}
	}
	t.Fatalf("%s is not in the table", name)
	return -1
}

// TestDemoAndServer: the demo builds a vault, starts the server and
// shows the server tab; connecting as people puts verdicts in the live table.
func TestDemoAndServer(t *testing.T) {
	h := newHarness(t, Options{Demo: true})
	h.app.Start()
	h.sees("Stop server", "Serving https://localhost:", "Connect as Alice Valid", "Connect with no certificate", "Connect with a look-alike CA")
	h.tap("Connect as Alice Valid")
	h.sees(`Let in — as "Alice Valid": every check passed. HTTP 200 OK: let in.`)
	h.tap("Connect with a look-alike CA")
	h.sees(`Refused — as a look-alike of CA "Demo CA": not signed by a CA`)
	s := h.app.main.server
	h.waitFor("two events in the table", func() bool { return len(s.events.events) == 2 })
	// The checklist marks the failing step and puts the two CAs side by side.
	h.sees("Signed by a CA this server trusts — this is the step", "the CA this server trusts",
		"the look-alike that signed your", "verdict unknown_ca", "key SHA-256")
	h.tap("Connect with no certificate")
	h.waitFor("three events in the table", func() bool { return len(s.events.events) == 3 })
	h.sees("no certificate sent", "400 Bad Request")
	h.sees("let in", "refused", "not signed by a CA this server trusts", "Alice Valid", "Look-alike Person")

	// Bob was revoked by the demo: connecting as him shows why.
	for _, r := range s.try.records {
		if r.CommonName == "Bob Revoked" {
			s.setTryAs(r)
		}
	}
	h.tap("Connect as Bob Revoked")
	h.sees("certificate revoked")
	h.waitFor("four events", func() bool { return len(s.events.events) == 4 })
	h.sees("Not revoked — this is the step that failed")

	// Strict mode refuses in the handshake.
	s.lifecycle.mode.SetSelected(modeLabels["strict"])
	h.tap("Connect with no certificate")
	h.sees("Refused — with no certificate: the server ended the connection")
	h.waitFor("five events", func() bool { return len(s.events.events) == 5 })
	if s.events.events[0].Refused != true {
		t.Errorf("newest event %+v is not a refusal", s.events.events[0])
	}
	// The commands use files that exist.
	h.sees("curl --cacert")
	if !strings.Contains(s.try.snippets.command.Text, "--cert") {
		t.Errorf("snippet: %s", s.try.snippets.command.Text)
	}
	h.tap("Stop server")
	h.sees("The server is stopped.")
}

// TestInspectDroppedFile: dropping a certificate explains it and checks it
// against the vault.
func TestInspectDroppedFile(t *testing.T) {
	dir := t.TempDir()
	path := newVaultWithCA(t, dir)
	v, _ := engine.OpenUnlocked(path, nil)
	ca, _ := v.CAByName(context.Background(), "Acme")
	rec, _ := v.IssuePerson(context.Background(), ca, pki.PersonRequest{Name: pki.Name{CommonName: "Dropped Dora"}})
	certPEM, _ := v.CertificatePEM(context.Background(), rec.ID)
	v.Close()
	file := filepath.Join(dir, "dora.pem")
	os.WriteFile(file, certPEM, 0o644)

	h := newHarness(t, Options{VaultPath: path})
	h.app.Start()
	h.settle()
	h.app.dropped([]fyne.URI{storage.NewFileURI(file)})
	h.sees("dora.pem", "Checked against this vault's CAs: OK", "CERTIFICATE  Dropped Dora", rec.FingerprintSHA1)
	h.tap("Close")

	junk := filepath.Join(dir, "junk.bin")
	os.WriteFile(junk, []byte("junk junk junk"), 0o644)
	h.app.dropped([]fyne.URI{storage.NewFileURI(junk)})
	h.sees("not a certificate, CSR, CRL, private key or PKCS#12 file")
}

// personFormKeepsInput: a bad e-mail is refused beside the field; the
// form keeps what was typed, and the error quotes the whole address, not
// its first word. An empty name too; the e-mail stays.
func personFormKeepsInput(t *testing.T, h *harness) {
	h.tap("New person")
	h.typeInto("e.g. Alice Example", "Carol")
	h.typeInto("optional, e.g. alice", "carol smith@example.com")
	h.tap("Issue")
	h.sees(`"carol smith@example.com" is not an e-mail`)
	if h.entry("e.g. Alice Example").Text != "Carol" || h.entry("optional, e.g. alice").Text != "carol smith@example.com" {
		t.Fatal("the form lost what was typed")
	}
	h.typeInto("e.g. Alice Example", "")
	h.typeInto("optional, e.g. alice", "carol@example.com")
	h.tap("Issue")
	h.sees("A person certificate needs the person's name")
	if h.entry("optional, e.g. alice").Text != "carol@example.com" {
		t.Fatal("the form lost the e-mail")
	}
}
