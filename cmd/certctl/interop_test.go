package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"certdesk/core/deploy"
	"certdesk/core/peer/peertest"
)

// TestDeployKit writes a kit for every server and checks it with openssl:
// the server certificate chains to the CA, the CRL is signed by it and
// lists the revoked person, the key matches, and every configuration names
// files that exist. Core's TestRealServers runs the same configurations in
// real servers.
func TestDeployKit(t *testing.T) {
	t.Parallel()
	s := newSessionWithCA(t, "Team CA", "Rick Revoked")
	s.ok("revoke", "Rick Revoked")
	kit := s.path("kit")
	s.ok("deploy", "--server", "all", "--out", kit, "--dns", "mtls.example.test", "--listen", "127.0.0.1:9443")

	file := func(name string) string { return filepath.Join(kit, name) }
	for _, name := range deploy.KitFiles(deploy.Targets) {
		st, err := os.Stat(file(name))
		if err != nil {
			t.Fatalf("%s missing: %v", name, err)
		}
		secret := name == deploy.ServerKeyFileName || name == deploy.ServerBundleFileName
		if secret != (st.Mode().Perm() == 0o600) {
			t.Errorf("%s has mode %v", name, st.Mode().Perm())
		}
	}
	peertest.Run(t, "openssl", "verify", "-CAfile", file("ca.pem"), "-purpose", "sslserver", file("server.pem"))
	crl := peertest.Run(t, "openssl", "crl", "-in", file("crl.pem"), "-CAfile", file("ca.pem"), "-noout", "-text")
	if !strings.Contains(crl, "verify OK") {
		t.Errorf("openssl did not verify the CRL's signature:\n%s", crl)
	}
	if !strings.Contains(crl, "Serial Number") {
		t.Errorf("the CRL does not list the revoked certificate:\n%s", crl)
	}
	certKey := peertest.Run(t, "openssl", "x509", "-in", file("server.pem"), "-noout", "-pubkey")
	keyKey := peertest.Run(t, "openssl", "pkey", "-in", file("server.key"), "-pubout")
	if certKey != keyKey {
		t.Error("server.key does not belong to server.pem")
	}
	if san := peertest.Run(t, "openssl", "x509", "-in", file("server.pem"), "-noout", "-ext", "subjectAltName"); !strings.Contains(san, "mtls.example.test") {
		t.Errorf("server certificate names: %s", san)
	}
	nginx, _ := os.ReadFile(file("nginx-mtls.conf"))
	wantAll(t, "nginx configuration", string(nginx), "listen 127.0.0.1:9443 ssl", "server_name mtls.example.test",
		`ssl_client_certificate "`+file("ca.pem")+`"`, `ssl_crl "`+file("crl.pem")+`"`)

	// A second kit into the same folder is refused before anything is issued.
	before := s.ok("list", "--json")
	s.fails(1, "already exists", "deploy", "--server", "nginx", "--out", kit)
	if after := s.ok("list", "--json"); after != before {
		t.Error("a refused deploy changed the vault")
	}
	s.ok("deploy", "--server", "nginx", "--out", kit, "--force", "--server-cert", "mtls.example.test")

	s.fails(2, "listen address", "deploy", "--server", "nginx", "--out", s.path("k4"), "--listen", "0.0.0.0:443; evil")
	// A folder that cannot be made is refused before anything is issued.
	os.WriteFile(s.path("a-file"), nil, 0o600)
	before = s.ok("list", "--json")
	s.fails(1, "creating the folder", "deploy", "--server", "nginx", "--out", s.path("a-file/kit"))
	if after := s.ok("list", "--json"); after != before {
		t.Error("a deploy into a folder that cannot be made changed the vault")
	}
	s.fails(2, `unknown server "iis"`, "deploy", "--server", "iis", "--out", s.path("k2"))
	s.fails(2, "--out DIR", "deploy", "--server", "nginx")
	s.fails(2, "leave them out", "deploy", "--server", "nginx", "--out", s.path("k2"), "--server-cert", "x", "--dns", "a.test")
	s.fails(1, "not a server certificate", "deploy", "--server", "nginx", "--out", s.path("k3"), "--server-cert", "Rick Revoked")
}

// TestPKIExportImport hands a CA to easy-rsa with certctl pki export, lets
// easy-rsa issue and revoke, and brings the result into a second vault with
// certctl pki import.
func TestPKIExportImport(t *testing.T) {
	t.Parallel()
	easyrsa := peertest.Require(t, "easyrsa")
	s := newSessionWithCA(t, "Team CA", "Vera Valid", "Rick Revoked")
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

	other := newVaultSession(t)
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
	third := newVaultSession(t)
	out = third.ok("pki", "import", third.write("xca.pem", string(bundle)), "--password-file", pw)
	if !strings.Contains(out, `Imported CA "Team CA" with 1 certificate (0 revoked)`) {
		t.Errorf("bundle import said:\n%s", out)
	}
}
