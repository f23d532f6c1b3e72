package interop

import (
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"certdesk/core/peer/peertest"
	"certdesk/core/pki"
	"certdesk/core/pki/pkitest"
)

const testPassword = "folder pass 42"

// testPKI is a CA with a person holding a key, a revoked person, a person
// whose key the CA never saw, and a server.
func testPKI(t *testing.T) PKI {
	t.Helper()
	now := time.Now()
	ca := pkitest.CA(t, pki.CARequest{Name: pki.Name{CommonName: "Folder CA"}}, now)
	p := PKI{CA: ca.Cert, CAKey: ca.Key, CRLNumber: 6}
	person := func(name string) *pki.Issued {
		return pkitest.Person(t, ca, pki.PersonRequest{Name: pki.Name{CommonName: name}, Emails: []string{strings.ToLower(strings.Fields(name)[0]) + "@example.test"}}, now)
	}
	vera, rick, sam := person("Vera Valid"), person("Rick Revoked"), person("Sam Keyless")
	server, err := ca.IssueServer(pki.ServerRequest{DNSNames: []string{"app.example.test"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	p.Certs = []Entry{
		{Cert: vera.Cert, Key: vera.Key},
		{Cert: rick.Cert, Key: rick.Key, RevokedAt: now.Add(-time.Hour).Truncate(time.Second), Reason: 4},
		{Cert: sam.Cert},
		{Cert: server.Cert, Key: server.Key},
	}
	crl, err := ca.SignCRL(pki.CRLRequest{Number: big.NewInt(6), ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(24 * time.Hour),
		Entries: []pki.Revoked{{Serial: rick.Cert.SerialNumber, Time: now.Add(-time.Hour), Reason: 4}}})
	if err != nil {
		t.Fatal(err)
	}
	p.CRL = crl
	return p
}

func bySerial(p PKI) map[string]Entry {
	m := map[string]Entry{}
	for _, e := range p.Certs {
		m[pki.SerialHex(e.Cert.SerialNumber)] = e
	}
	return m
}

// TestEasyRSARoundTrip writes the folder, then lets the real tools keep
// using it — openssl ca signs, revokes and publishes a CRL, easy-rsa builds
// a client, revokes and publishes a CRL — and reads everything back.
func TestEasyRSARoundTrip(t *testing.T) {
	openssl := peertest.Require(t, "openssl")
	easyrsa := peertest.Require(t, "easyrsa")
	p := testPKI(t)
	dir := filepath.Join(t.TempDir(), "pki")
	if err := WriteEasyRSA(dir, p, WriteOptions{Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	file := func(name string) string { return filepath.Join(dir, name) }
	for name, mode := range map[string]os.FileMode{"ca.crt": 0o644, "private/ca.key": 0o600, "private/vera-valid.key": 0o600,
		"issued/vera-valid.crt": 0o644, "issued/sam-keyless.crt": 0o644, "issued/app-example-test.crt": 0o644, "index.txt": 0o644, "crl.pem": 0o644} {
		st, err := os.Stat(file(name))
		if err != nil || st.Mode().Perm() != mode {
			t.Errorf("%s: %v %v (want mode %v)", name, st, err, mode)
		}
	}
	if _, err := os.Stat(file("private/sam-keyless.key")); err == nil {
		t.Error("a key was written for a certificate without one")
	}
	rick := pki.SerialHex(p.Certs[1].Cert.SerialNumber)
	if _, err := os.Stat(file("revoked/certs_by_serial/" + rick + ".crt")); err != nil {
		t.Errorf("the revoked certificate is not under revoked/: %v", err)
	}
	peertest.Run(t, openssl, "verify", "-CAfile", file("ca.crt"), file("issued/vera-valid.crt"))
	peertest.Run(t, openssl, "pkey", "-in", file("private/ca.key"), "-passin", "pass:"+testPassword, "-noout")
	if out, err := peertest.Try(t, openssl, "pkey", "-in", file("private/ca.key"), "-passin", "pass:wrong", "-noout"); err == nil {
		t.Errorf("openssl opened the CA key with a wrong password:\n%s", out)
	}

	// openssl ca: a CRL from the database lists the revocation with its reason.
	conf := file("openssl-ca.cnf")
	crlOut := filepath.Join(t.TempDir(), "openssl.crl")
	peertest.Run(t, openssl, "ca", "-config", conf, "-gencrl", "-passin", "pass:"+testPassword, "-out", crlOut)
	text := peertest.Run(t, openssl, "crl", "-in", crlOut, "-CAfile", file("ca.crt"), "-noout", "-text")
	if !strings.Contains(text, "verify OK") || !strings.Contains(text, rick) || !strings.Contains(text, "Superseded") {
		t.Errorf("openssl ca's CRL does not list the revoked certificate as superseded:\n%s", text)
	}
	if !strings.Contains(text, "X509v3 CRL Number: \n                7\n") {
		t.Errorf("openssl ca's CRL is not numbered 7, after Certdesk's 6:\n%s", text)
	}
	// openssl ca signs a new request and revokes a certificate.
	keyFile := filepath.Join(t.TempDir(), "olga.key")
	csr := filepath.Join(t.TempDir(), "olga.csr")
	peertest.Run(t, openssl, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", keyFile, "-subj", "/CN=Olga OpenSSL", "-out", csr)
	peertest.Run(t, openssl, "ca", "-config", conf, "-batch", "-passin", "pass:"+testPassword, "-in", csr, "-out", file("issued/olga-openssl.crt"))
	peertest.Run(t, openssl, "verify", "-CAfile", file("ca.crt"), "-purpose", "sslclient", file("issued/olga-openssl.crt"))
	peertest.Run(t, openssl, "ca", "-config", conf, "-passin", "pass:"+testPassword, "-revoke", file("issued/vera-valid.crt"), "-crl_reason", "keyCompromise")

	// easy-rsa builds a client, revokes Sam and publishes a CRL.
	runEasyRSA := func(args ...string) string {
		cmd := exec.Command(easyrsa, args...)
		cmd.Dir = t.TempDir()
		cmd.Env = append(os.Environ(), "EASYRSA_PKI="+dir, "EASYRSA_BATCH=1", "EASYRSA_PASSIN=pass:"+testPassword, "EASYRSA_PASSOUT=pass:"+testPassword)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("easyrsa %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	runEasyRSA("build-client-full", "nina-easyrsa", "nopass")
	runEasyRSA("revoke", "sam-keyless", "superseded")
	runEasyRSA("gen-crl")
	text = peertest.Run(t, openssl, "crl", "-in", file("crl.pem"), "-CAfile", file("ca.crt"), "-noout", "-text")
	sam := pki.SerialHex(p.Certs[2].Cert.SerialNumber)
	for _, serial := range []string{rick, sam, pki.SerialHex(p.Certs[0].Cert.SerialNumber)} {
		if !strings.Contains(text, serial) {
			t.Errorf("easy-rsa's CRL lacks %s:\n%s", serial, text)
		}
	}

	// Back into Certdesk: everything, with the tools' changes.
	back, warnings, err := ReadEasyRSA(dir, []byte(testPassword))
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) > 0 {
		t.Errorf("warnings: %q", warnings)
	}
	if !back.CA.Equal(p.CA) || back.CAKey == nil {
		t.Fatal("the CA did not come back")
	}
	if len(back.Certs) != 6 {
		t.Fatalf("read %d certificates, want 6 (4 exported, 1 from openssl ca, 1 from easy-rsa)", len(back.Certs))
	}
	got := bySerial(back)
	want := map[string]struct {
		cn      string
		revoked bool
		reason  int
		key     bool
	}{
		pki.SerialHex(p.Certs[0].Cert.SerialNumber): {"Vera Valid", true, 1, true},
		rick: {"Rick Revoked", true, 4, true},
		sam:  {"Sam Keyless", true, 4, false},
		pki.SerialHex(p.Certs[3].Cert.SerialNumber): {"app.example.test", false, 0, true},
	}
	names := map[string]bool{}
	for serial, e := range got {
		names[e.Cert.Subject.CommonName] = true
		w, ok := want[serial]
		if !ok {
			continue
		}
		if e.Cert.Subject.CommonName != w.cn || e.Revoked() != w.revoked || (w.revoked && e.Reason != w.reason) || (e.Key != nil) != w.key {
			t.Errorf("%s: revoked %v reason %d key %v; want %+v", e.Cert.Subject.CommonName, e.Revoked(), e.Reason, e.Key != nil, w)
		}
	}
	if !names["Olga OpenSSL"] || !names["nina-easyrsa"] {
		t.Errorf("the certificates the tools issued are missing: %v", names)
	}
	for _, e := range back.Certs {
		if e.Cert.Subject.CommonName == "nina-easyrsa" && e.Key == nil {
			t.Error("easy-rsa's unencrypted key was not read")
		}
	}
	if back.CRLNumber < 8 {
		t.Errorf("CRL number %d: the CRLs openssl and easy-rsa signed (7 and 8) would be numbered again", back.CRLNumber)
	}
}

func TestEasyRSARefusals(t *testing.T) {
	p := testPKI(t)
	dir := filepath.Join(t.TempDir(), "pki")
	if err := WriteEasyRSA(dir, p, WriteOptions{Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	if err := WriteEasyRSA(dir, p, WriteOptions{Password: testPassword}); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("writing over a PKI: %v", err)
	}
	if err := WriteEasyRSA(filepath.Join(t.TempDir(), "x"), p, WriteOptions{Password: "ab"}); err == nil {
		t.Error("a 2-character password was accepted")
	}
	if _, _, err := ReadEasyRSA(dir, []byte("wrong")); err == nil || !strings.Contains(err.Error(), "ca.key") {
		t.Errorf("wrong password: %v", err)
	}
	if _, _, err := ReadEasyRSA(t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), "not an easy-rsa folder") {
		t.Errorf("empty folder: %v", err)
	}
	// A FIFO where a certificate should be would block a reader forever.
	if err := syscall.Mkfifo(filepath.Join(dir, "issued", "trap.crt"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, warnings, err := ReadEasyRSA(dir, []byte(testPassword)); err != nil || !strings.Contains(strings.Join(warnings, "\n"), "not a regular file") {
		t.Errorf("FIFO: %v %q", err, warnings)
	}
	os.Remove(filepath.Join(dir, "issued", "trap.crt"))
	broken := filepath.Join(t.TempDir(), "broken")
	os.CopyFS(broken, os.DirFS(dir))
	os.WriteFile(filepath.Join(broken, "index.txt"), []byte("V\t260101000000Z\t\tZZ\tunknown\t/CN=x\nnonsense\n"), 0o644)
	if _, _, err := ReadEasyRSA(broken, []byte(testPassword)); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad index: %v", err)
	}
	os.Remove(filepath.Join(broken, "private", "ca.key"))
	if _, _, err := ReadEasyRSA(broken, []byte(testPassword)); err == nil || !strings.Contains(err.Error(), "private/ca.key") {
		t.Errorf("missing CA key: %v", err)
	}
}

func TestIndexRows(t *testing.T) {
	when := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	late := time.Date(2051, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		row  indexRow
		line string
	}{
		{indexRow{Status: 'V', Expires: when, Serial: big.NewInt(0xABC), Subject: "/CN=A"}, "V\t310506070809Z\t\t0ABC\tunknown\t/CN=A\n"},
		{indexRow{Status: 'R', Expires: late, RevokedAt: when, Reason: 1, Serial: big.NewInt(1), Subject: "/O=X/CN=B"}, "R\t20510102030405Z\t310506070809Z,keyCompromise\t01\tunknown\t/O=X/CN=B\n"},
		{indexRow{Status: 'R', Expires: when, RevokedAt: when, Reason: 9, Serial: big.NewInt(2), Subject: "/CN=C"}, "R\t310506070809Z\t310506070809Z\t02\tunknown\t/CN=C\n"},
	}
	for _, tt := range tests {
		if got := tt.row.format(); got != tt.line {
			t.Errorf("format: %q, want %q", got, tt.line)
		}
		rows, err := parseIndex([]byte(tt.line))
		if err != nil || len(rows) != 1 {
			t.Fatalf("parse %q: %v", tt.line, err)
		}
		r := rows[0]
		wantReason := tt.row.Reason
		if _, ok := opensslReasons[wantReason]; !ok {
			wantReason = 0
		}
		if r.Status != tt.row.Status || !r.Expires.Equal(tt.row.Expires) || !r.RevokedAt.Equal(tt.row.RevokedAt) || r.Reason != wantReason || r.Serial.Cmp(tt.row.Serial) != 0 || r.Subject != tt.row.Subject {
			t.Errorf("round trip of %q: %+v", tt.line, r)
		}
	}
	if got := escapeControl("a\tb\nc"); got != `a\x09b\x0Ac` {
		t.Errorf("escape: %q", got)
	}
}
