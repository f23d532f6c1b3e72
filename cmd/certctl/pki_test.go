package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"certdesk/core/peer/peertest"
)

// TestPKIExportImport hands a CA to easy-rsa with certctl pki export, lets
// easy-rsa issue and revoke, and brings the result into a second vault with
// certctl pki import.
func TestPKIExportImport(t *testing.T) {
	t.Parallel()
	easyrsa := peertest.Require(t, "easyrsa")
	s := newSessionWithCA(t, "Team CA")
	s.ok("issue", "--cn", "Vera Valid")
	s.ok("issue", "--cn", "Rick Revoked")
	s.ok("revoke", "Rick Revoked", "--reason", "superseded")
	pw := s.write("pw", "easy pass 1\n")
	dir := s.path("pki")
	out := s.ok("pki", "export", "--out", dir, "--password-file", pw)
	if !strings.Contains(out, "with 2 certificates") || strings.Contains(out, "shown once") {
		t.Errorf("export said:\n%s", out)
	}
	s.fails(1, "not empty", "pki", "export", "--out", dir, "--password-file", pw)
	os.WriteFile(s.path("a-file"), nil, 0o600)
	before := s.ok("ca", "list", "--json")
	s.fails(1, "creating the folder", "pki", "export", "--out", s.path("a-file/pki"), "--password-file", pw)
	if after := s.ok("ca", "list", "--json"); after != before {
		t.Errorf("an export into a folder that cannot be made changed the CA (its CRL):\n%s\n%s", before, after)
	}
	// With a generated password (100 random bits, so OpenSSL's cheaper
	// default PBKDF2 cost) the keys still open in openssl.
	gen := s.ok("pki", "export", "--out", s.path("pki-gen"))
	_, generated, ok := strings.Cut(gen, "pass phrase): ")
	if !ok {
		t.Fatalf("no generated password shown:\n%s", gen)
	}
	generated = strings.TrimSpace(strings.SplitN(generated, "\n", 2)[0])
	peertest.Run(t, "openssl", "pkey", "-in", s.path("pki-gen/private/ca.key"), "-passin", "pass:"+generated, "-noout")
	if out, err := peertest.Try(t, "openssl", "pkey", "-in", s.path("pki-gen/private/vera-valid.key"), "-passin", "pass:wrong", "-noout"); err == nil {
		t.Errorf("a wrong password opened the key:\n%s", out)
	}

	for _, args := range [][]string{{"build-client-full", "nina", "nopass"}, {"revoke", "vera-valid", "keyCompromise"}, {"gen-crl"}} {
		cmd := exec.Command(easyrsa, args...)
		cmd.Dir = t.TempDir()
		cmd.Env = append(os.Environ(), "EASYRSA_PKI="+dir, "EASYRSA_BATCH=1", "EASYRSA_PASSIN=pass:easy pass 1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("easyrsa %v: %v\n%s", args, err, out)
		}
	}

	other := newSession(t)
	other.ok("init")
	other.fails(1, "private/ca.key: the password is wrong", "pki", "import", dir, "--password-file", other.write("bad", "wrong\n"))
	other.fails(1, "not an easy-rsa folder", "pki", "import", t.TempDir(), "--password-file", pw)
	out = other.ok("pki", "import", dir, "--name", "From easy-rsa", "--password-file", pw)
	if !strings.Contains(out, `Imported CA "From easy-rsa" with 3 certificates (2 revoked)`) {
		t.Errorf("import said:\n%s", out)
	}
	type row struct {
		CommonName       string `json:"common_name"`
		Status           string `json:"status"`
		HasKey           bool   `json:"has_key"`
		RevocationReason string `json:"revocation_reason"`
	}
	rows := decodeJSON[[]row](t, other.ok("list", "--json"))
	got := map[string]row{}
	for _, r := range rows {
		got[r.CommonName] = r
	}
	for name, status := range map[string]string{"Vera Valid": "revoked", "Rick Revoked": "revoked", "nina": "valid"} {
		if got[name].Status != status || !got[name].HasKey {
			t.Errorf("%s: %+v (want %s, with key)", name, got[name], status)
		}
	}
	// The imported CA keeps working: its next CRL lists both revocations.
	crl := filepath.Join(other.dir, "crl.pem")
	other.ok("crl", "--ca", "From easy-rsa", "--out", crl)
	text := peertest.Run(t, "openssl", "crl", "-in", crl, "-noout", "-text")
	if strings.Count(text, "Serial Number:") != 2 {
		t.Errorf("CRL of the imported CA:\n%s", text)
	}
	other.fails(1, "cannot be imported twice", "pki", "import", dir, "--password-file", pw)

	// A PEM bundle like XCA's export: the CA with its encrypted key, a
	// person with theirs, and the CRL.
	var bundle []byte
	for _, args := range [][]string{
		{"export", "Team CA", "--format", "bundle", "--password-file", pw, "--out", s.path("ca-bundle.pem")},
		{"export", "Vera Valid", "--format", "bundle", "--password-file", pw, "--out", s.path("vera-bundle.pem")},
		{"crl", "--out", s.path("team.crl")},
	} {
		s.ok(args...)
		data, err := os.ReadFile(args[len(args)-1])
		if err != nil {
			t.Fatal(err)
		}
		bundle = append(bundle, data...)
	}
	third := newSession(t)
	third.ok("init")
	out = third.ok("pki", "import", third.write("xca.pem", string(bundle)), "--password-file", pw)
	if !strings.Contains(out, `Imported CA "Team CA" with 1 certificate (0 revoked)`) {
		t.Errorf("bundle import said:\n%s", out)
	}
}
