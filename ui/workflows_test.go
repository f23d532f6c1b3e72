package ui

import (
	"context"
	"crypto/rsa"
	"encoding/csv"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"
	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"certdesk/core/engine"
	"certdesk/core/export"
	"certdesk/core/pki"
)

// TestOnboardTeamFromCSV: a CSV with good rows, a bad e-mail and a
// duplicate → a summary before issuing → a folder → progress → a report
// naming the failed rows, PKCS#12 files that open with the sheet's passwords.
func TestOnboardTeamFromCSV(t *testing.T) {
	h, dir := startWithCA(t)
	h.picker.open = filepath.Join(dir, "team.csv")
	os.WriteFile(h.picker.open, []byte("name,email,org,ou,days\nAnn Archer,ann@example.com,Acme,Ops,90\nBen Baker,ben@example.com\n"+
		"Cat Cooper,not-an-address\nDan Dyer,dan@example.com\nBen Baker,ben@example.com\n"), 0o644)
	h.tap("From CSV…")
	h.sees("4 people will get a certificate from Acme", "1 row(s) will be skipped", "Line 6 (Ben Baker): the same person as line 3")
	for _, o := range h.objects() {
		if sel, ok := o.(*widget.Select); ok && sel.Selected == string(pki.DefaultKeyType) {
			sel.SetSelected(string(pki.RSA2048))
		}
	}
	out := filepath.Join(dir, "out")
	h.picker.folder = out
	h.tap("Choose folder…")
	h.waitForText("the report", "Team onboarded")
	h.sees("Issued 3 certificate(s)", "2 row(s) were not issued", "Line 4 (Cat Cooper)", "not an e-mail address", "Line 6 (Ben Baker)")
	h.tap("Close")
	h.sees("4 certificate(s)")

	f, err := os.Open(filepath.Join(out, "passwords.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := csv.NewReader(f).ReadAll()
	f.Close()
	if len(rows) != 4 {
		t.Fatalf("password sheet: %q", rows)
	}
	for _, row := range rows[1:] {
		data, err := os.ReadFile(filepath.Join(out, row[2]))
		if err != nil {
			t.Fatal(err)
		}
		key, cert, _, err := pkcs12.DecodeChain(data, row[3])
		if err != nil || cert.Subject.CommonName != row[0] {
			t.Errorf("%s: %v", row[2], err)
		} else if _, isRSA := key.(*rsa.PrivateKey); !isRSA {
			t.Errorf("%s: a %T key, want the RSA chosen in the dialog", row[2], key)
		}
	}
}

// TestExpiringSoonView: the banner counts what expires within 30 days,
// "Show them" filters the table, the window can change, and "Renew all"
// renews them.
func TestExpiringSoonView(t *testing.T) {
	dir := t.TempDir()
	path := newVaultWithCA(t, dir)
	v, _ := engine.Open(path)
	v.Unlock(nil)
	ctx := context.Background()
	ca, _ := v.DefaultCA(ctx)
	for name, days := range map[string]int{"Soon Sam": 20, "Later Lea": 200, "Very Soon Vic": 5} {
		if _, err := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: name}, Validity: pki.Validity{Days: days}}); err != nil {
			t.Fatal(err)
		}
	}
	v.Close()

	h := newHarness(t, Options{VaultPath: path})
	h.app.Start()
	h.sees("4 certificate(s)", "2 certificate(s) expire within 30 days.")
	h.tap("Show them")
	m := h.app.main
	if m.table.total != 2 || m.table.soon.window.Hidden {
		t.Fatalf("expiring view: %d rows, window shown %v", m.table.total, !m.table.soon.window.Hidden)
	}
	m.table.soon.window.SetSelected("within 7 days")
	h.settle()
	if r, _ := m.table.row(0); m.table.total != 1 || r.CommonName != "Very Soon Vic" {
		t.Fatalf("within 7 days: %d rows, first %q", m.table.total, r.CommonName)
	}
	m.table.soon.window.SetSelected("within 30 days")
	m.table.status.SetSelected("All statuses")
	h.sees("2 certificate(s) expire within 30 days.")
	h.tap("Renew all…")
	h.sees("Renew expiring certificates", "Revoke the old certificates")
	h.tap("Renew all")
	h.waitForText("the renewals", "Renewed 2 of 2")
	h.tap("OK")
	h.sees("6 certificate(s)")
	recs, _ := h.app.Vault().List(ctx, engine.Filter{Search: "Soon", Sort: engine.SortID})
	if len(recs) != 4 || recs[2].RenewedFrom == 0 || recs[3].RenewedFrom == 0 {
		t.Fatalf("after renewing: %+v", recs)
	}
}

// TestReminderServerKitAndEasyRSA: an .ics reminder for a certificate, a
// server kit for nginx, and an easy-rsa export imported into a new vault.
func TestReminderServerKitAndEasyRSA(t *testing.T) {
	h, dir := startWithCA(t)
	h.tap("New person")
	h.typeInto("e.g. Alice Example", "Rosa Reminder")
	h.tap("Issue")
	m := h.app.main
	m.table.table.Select(widget.TableCellID{Row: findRow(t, m, "Rosa Reminder"), Col: 1})

	h.tap("Reminder…")
	h.sees("A calendar event on", "the day \"Rosa")
	h.picker.save = filepath.Join(dir, "rosa.ics")
	h.tap("Save…")
	ics, err := os.ReadFile(h.picker.save)
	if err != nil || !strings.Contains(string(ics), "BEGIN:VCALENDAR") || !strings.Contains(string(ics), "Rosa Reminder") || !strings.Contains(string(ics), "TRIGGER:-P30D") {
		t.Fatalf("reminder: %v\n%s", err, ics)
	}

	h.tap("Configure a server…")
	h.sees("Configure a server for Acme", "nginx", "Apache httpd", "Gunicorn")
	h.picker.folder = filepath.Join(dir, "kit")
	h.tap("Choose folder…")
	h.waitForText("the kit", "Server files written")
	h.tap("OK")
	for _, name := range []string{"ca.pem", "crl.pem", "server.pem", "server.key", "nginx-mtls.conf"} {
		if _, err := os.Stat(filepath.Join(dir, "kit", name)); err != nil {
			t.Errorf("kit: %v", err)
		}
	}
	// The same folder again is refused before anything is issued.
	before := m.table.total
	h.tap("Configure a server…")
	h.tap("Choose folder…")
	h.sees("Nothing was written:")
	h.tap("OK")
	if m.table.total != before {
		t.Errorf("a refused kit changed the vault: %d → %d", before, m.table.total)
	}

	// A second kit carries the server certificate the first one issued.
	h.tap("Configure a server…")
	var certSelect *widget.Select
	for _, o := range h.objects() {
		if sel, ok := o.(*widget.Select); ok && len(sel.Options) == 2 && strings.HasPrefix(sel.Options[1], "localhost (#") {
			certSelect = sel
		}
	}
	if certSelect == nil {
		t.Fatal("the dialog offers no existing server certificate")
	}
	certSelect.SetSelected(certSelect.Options[1])
	h.picker.folder = filepath.Join(dir, "kit2")
	h.tap("Choose folder…")
	h.waitForText("the second kit", "Server files written")
	h.tap("OK")
	first, _ := os.ReadFile(filepath.Join(dir, "kit", "server.pem"))
	second, _ := os.ReadFile(filepath.Join(dir, "kit2", "server.pem"))
	if len(first) == 0 || string(first) != string(second) || m.table.total != before {
		t.Errorf("the second kit did not reuse the server certificate (%d → %d certificates)", before, m.table.total)
	}

	m.exportEasyRSA()
	h.sees("Export as easy-rsa folder", "easy-rsa asks for it as the CA pass phrase")
	h.typeInto("password", "ui export pass")
	h.picker.folder = filepath.Join(dir, "pki")
	h.tap("Choose folder…")
	h.waitForText("the export", "PKI exported")
	h.tap("OK")

	// A new vault imports it, asking for the password.
	h2 := newHarness(t, Options{VaultPath: emptyVault(t, t.TempDir())})
	h2.app.Start()
	h2.picker.folder = filepath.Join(dir, "pki")
	h2.tap("Import an easy-rsa folder")
	h2.waitForText("the password prompt", "The keys are encrypted")
	h2.typeInto("key password", "wrong")
	h2.tap("Import")
	h2.waitForText("the retry", "did not open the CA's key")
	h2.typeInto("key password", "ui export pass")
	h2.tap("Import")
	h2.waitForText("the import", "PKI imported")
	h2.sees("Imported \"Acme\" with 2 certificate(s)")
	rec, err := h2.app.Vault().Find(context.Background(), "Rosa Reminder")
	if err != nil || !rec.HasKey {
		t.Fatalf("imported: %+v %v", rec, err)
	}
}

// TestImportXCABundle: an XCA-style PEM export (CA with its encrypted key,
// a person, a CRL revoking them) is imported from the empty state.
func TestImportXCABundle(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	caIssued, _ := pki.NewCA(pki.CARequest{Name: pki.Name{CommonName: "XCA Root"}}, now)
	ca := pki.Authority{Cert: caIssued.Cert, Key: caIssued.Key}
	person, _ := ca.IssuePerson(pki.PersonRequest{Name: pki.Name{CommonName: "Xena"}}, now)
	crl, _ := ca.SignCRL(pki.CRLRequest{Number: big.NewInt(4), ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(time.Hour),
		Entries: []pki.Revoked{{Serial: person.Cert.SerialNumber, Time: now, Reason: 1}}})
	caKey, _ := export.KeyPEM(ca.Key, "xca pass")
	personKey, _ := export.KeyPEM(person.Key, "xca pass")
	var bundle []byte
	for _, part := range [][]byte{pki.EncodeCertPEM(ca.Cert), caKey, pki.EncodeCertPEM(person.Cert), personKey, pki.EncodeCRLPEM(crl)} {
		bundle = append(bundle, part...)
	}
	path := filepath.Join(dir, "export.pem")
	os.WriteFile(path, bundle, 0o600)

	h := newHarness(t, Options{VaultPath: emptyVault(t, dir)})
	h.app.Start()
	h.picker.open = path
	h.tap("Import an XCA export")
	h.waitForText("the password prompt", "The keys are encrypted")
	h.typeInto("key password", "xca pass")
	h.tap("Import")
	h.waitForText("the import", "PKI imported")
	h.sees("Imported \"XCA Root\" with 1 certificate(s)")
	h.tap("OK")
	rec, err := h.app.Vault().Find(context.Background(), "Xena")
	if err != nil || !rec.Revoked() || !rec.HasKey {
		t.Fatalf("Xena: %+v %v", rec, err)
	}
	cas, _ := h.app.Vault().CAs(context.Background())
	next, err := h.app.Vault().SignCRL(context.Background(), cas[0], 0)
	if err != nil || next.Number != 5 {
		t.Errorf("the next CRL is #%d (%v), want #5 after XCA's #4", next.Number, err)
	}
}
