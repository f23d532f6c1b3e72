package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certdesk/core/peer/peertest"
)

func TestBulkFromCSV(t *testing.T) {
	t.Parallel()
	s := newSessionWithCA(t, "Team CA")
	csvFile := s.write("team.csv", "name,email,org,ou,days\nAlice Example,alice@example.com,Acme,Ops,90\nBob,bob@example.com\nCarol,not-an-address\nDave,dave@example.com,Acme\n")
	out, errOut, code := s.run("bulk", "--csv", csvFile, "--out", s.path("out"))
	if code != 1 || !strings.Contains(out, "Issued 3 certificate(s), 1 row(s) failed") || !strings.Contains(errOut, "row 4 (Carol)") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	sheet, err := os.Open(s.path("out/passwords.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := csv.NewReader(sheet).ReadAll()
	sheet.Close()
	if len(rows) != 4 {
		t.Fatalf("password sheet has %d rows", len(rows))
	}
	for _, p := range []string{"out/passwords.csv", "out/" + rows[1][2]} {
		if st, err := os.Stat(s.path(p)); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", p, st, err)
		}
	}
	peertest.Require(t, "openssl")
	peertest.Run(t, "openssl", "pkcs12", "-in", s.path("out/"+rows[1][2]), "-passin", "pass:"+rows[1][3], "-noout")
	alice := decodeJSON[map[string]any](t, s.ok("show", "Alice Example", "--json"))
	if alice["days_left"].(float64) > 90 {
		t.Errorf("Alice got %v days, want 90", alice["days_left"])
	}
	// A duplicate row, a bad row and a person who already holds a valid
	// certificate fail alone; the others are issued.
	dup := s.write("dup.csv", "Eve,eve@example.com\nEve,eve@example.com\nBob,bob@example.com\nFrank,frank@example.com,A,B,C,D\nGina,gina@example.com,,,many\n")
	_, errOut, code = s.run("bulk", "--csv", dup, "--out", s.path("out2"))
	for _, want := range []string{"row 2 (Eve): the same person as line 1", "row 3 (Bob): already holds a valid certificate", "row 4 (Frank): expected name,email", `row 5 (Gina): days "many" is not a number`} {
		if code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("exit %d, want a report with %q:\n%s", code, want, errOut)
		}
	}
	if n := len(decodeJSON[[]map[string]any](t, s.ok("list", "--json"))); n != 5 {
		t.Errorf("%d certificates, want the CA, 3 people and Eve", n)
	}
	// A re-run into the same folder appends to its sheet: Eve is on it
	// already, Bob holds a certificate delivered elsewhere.
	out, errOut, code = s.run("bulk", "--csv", dup, "--out", s.path("out2"))
	if code != 1 || !strings.Contains(out, "1 row(s) were delivered to this folder by an earlier run") || strings.Contains(errOut, "row 1 ") || !strings.Contains(errOut, "row 3 (Bob): already holds") {
		t.Errorf("re-run: exit %d\n%s%s", code, out, errOut)
	}
	os.MkdirAll(s.path("out4"), 0o700)
	s.write("out4/passwords.csv", "not,a,sheet\n")
	s.fails(1, "is not a Certdesk password sheet", "bulk", "--csv", dup, "--out", s.path("out4"))
	s.fails(1, "holds no people", "bulk", "--csv", s.write("empty.csv", "name,email\n"), "--out", s.path("out3"))
}

func TestRenewAndReminder(t *testing.T) {
	t.Parallel()
	s := newInsecureSessionWithCA(t, "Acme")
	s.ok("issue", "--cn", "Soon", "--days", "10")
	s.ok("issue", "--cn", "Later", "--days", "200")
	s.ok("issue", "--cn", "Sooner", "--days", "5", "--key", "ed25519")
	out := s.ok("renew", "Later", "--days", "30")
	if !strings.Contains(out, `Renewed "Later"`) {
		t.Errorf("renew: %s", out)
	}
	renewed := decodeJSON[[]map[string]any](t, s.ok("renew", "--expiring", "14", "--revoke-old", "--days", "365", "--json"))
	names := map[string]bool{}
	for _, r := range renewed {
		names[r["common_name"].(string)] = true
	}
	// "Later" was renewed for 30 days, so its new certificate expires within 14? No: 30 > 14.
	if len(renewed) != 2 || !names["Soon"] || !names["Sooner"] {
		t.Fatalf("bulk renew: %v", renewed)
	}
	if sooner := decodeJSON[map[string]any](t, s.ok("show", renewed[1]["fingerprint_sha256"].(string), "--json")); sooner["key_type"] != "Ed25519" && renewed[0]["key_type"] != "Ed25519" {
		t.Errorf("the key type was not kept")
	}
	revoked := decodeJSON[[]map[string]any](t, s.ok("list", "--status", "revoked", "--json"))
	if len(revoked) != 2 {
		t.Errorf("%d revoked after --revoke-old, want 2", len(revoked))
	}
	if out := s.ok("renew", "--expiring", "3"); !strings.Contains(out, "Nothing expires within 3 days") {
		t.Errorf("renew with nothing to do: %s", out)
	}
	s.fails(2, "give one REF", "renew")
	s.ok("reminder", "Acme", "--out", s.path("acme.ics"), "--days-before", "60")
	data, _ := os.ReadFile(s.path("acme.ics"))
	if !strings.Contains(string(data), "TRIGGER:-P60D") || !strings.Contains(string(data), "BEGIN:VEVENT") {
		t.Errorf("ics:\n%s", data)
	}
	s.fails(1, "already exists", "reminder", "Acme", "--out", s.path("acme.ics"))
}

// TestRenewKeepingKey renews a certificate signed from an openssl CSR — the
// vault never saw its key — by signing the same key again; openssl checks
// that the new certificate belongs to the key the person still holds.
func TestRenewKeepingKey(t *testing.T) {
	t.Parallel()
	openssl := peertest.Require(t, "openssl")
	s := newInsecureSessionWithCA(t, "Acme")
	key, csr := s.path("kim.key"), s.path("kim.csr")
	peertest.Run(t, openssl, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-subj", "/CN=Kim Keeps", "-out", csr)
	s.ok("sign", "--csr", csr, "--days", "20")
	s.fails(1, "renew it keeping its key", "renew", "Kim Keeps")
	s.fails(2, "give one of them", "renew", "Kim Keeps", "--keep-key", "--key", "rsa-2048")
	renewed := decodeJSON[[]map[string]any](t, s.ok("renew", "Kim Keeps", "--keep-key", "--days", "90", "--revoke-old", "--json"))
	if len(renewed) != 1 {
		t.Fatalf("renewed: %v", renewed)
	}
	fp := renewed[0]["fingerprint_sha256"].(string)
	s.ok("export", fp, "--format", "pem", "--out", s.path("kim-new.pem"))
	s.ok("export", "Acme", "--format", "pem", "--out", s.path("ca.pem"))
	peertest.Run(t, openssl, "verify", "-CAfile", s.path("ca.pem"), "-purpose", "sslclient", s.path("kim-new.pem"))
	certKey := peertest.Run(t, openssl, "x509", "-in", s.path("kim-new.pem"), "-noout", "-pubkey")
	heldKey := peertest.Run(t, openssl, "pkey", "-in", key, "-pubout")
	if certKey != heldKey {
		t.Error("the renewed certificate is not for the key Kim holds")
	}
	if revoked := decodeJSON[[]map[string]any](t, s.ok("list", "--status", "revoked", "--json")); len(revoked) != 1 {
		t.Errorf("%d revoked, want the old certificate", len(revoked))
	}
}

// TestBulkFullDisk runs `certctl bulk` onto a 24 KiB tmpfs: it exits 1,
// names each row issued but not delivered, and keeps the sheet of those
// delivered; after space is freed the same command delivers the rest and
// exits 0.
func TestBulkFullDisk(t *testing.T) {
	t.Parallel()
	s := newInsecureSessionWithCA(t, "Team CA")
	csvFile := s.write("team.csv", peopleCSV(20))
	mnt := peertest.Tmpfs(t, "24k")
	out := filepath.Join(mnt, "out")
	stdout, stderr, code := s.run("bulk", "--csv", csvFile, "--out", out)
	named := strings.Count(stderr, "issued but not delivered: certificate")
	sheet, _ := os.ReadFile(filepath.Join(out, "passwords.csv"))
	onSheet := strings.Count(string(sheet), "\n") - 1
	t.Logf("24 KiB: %d on the sheet, %d named not delivered", onSheet, named)
	if code != 1 || named == 0 || onSheet+named != 20 || !strings.Contains(stderr, "no space left on device") ||
		!strings.Contains(stderr, fmt.Sprintf("%d certificate(s) were issued but not delivered", named)) {
		t.Fatalf("exit %d, %d on the sheet, %d named\n%s%s", code, onSheet, named, stdout, stderr)
	}
	peertest.ResizeTmpfs(t, mnt, "4m")
	stdout = s.ok("bulk", "--csv", csvFile, "--out", out)
	if want := fmt.Sprintf("Issued %d certificate(s), 0 row(s) failed", named); !strings.Contains(stdout, want) || !strings.Contains(stdout, fmt.Sprintf("%d row(s) were delivered to this folder by an earlier run", onSheet)) {
		t.Errorf("re-run: %s, want %q", stdout, want)
	}
	sheet, _ = os.ReadFile(filepath.Join(out, "passwords.csv"))
	if n := strings.Count(string(sheet), "\n") - 1; n != 20 {
		t.Errorf("%d rows on the sheet after the re-run, want 20", n)
	}
}
