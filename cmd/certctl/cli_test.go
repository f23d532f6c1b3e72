package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"certdesk/core/peer/peertest"
)

func TestWorkflow(t *testing.T) {
	t.Parallel()
	s := newVaultSession(t)
	if st, err := os.Stat(s.vars["CERTDESK_VAULT"]); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("vault file: %v %v", st, err)
	}
	s.ok("ca", "create", "Acme CA", "--org", "Acme")
	person := decodeJSON[map[string]any](t, s.ok("issue", "--ca", "Acme CA", "--cn", "Alice Example", "--email", "alice@example.com", "--org", "Acme", "--json"))
	if person["common_name"] != "Alice Example" || person["kind"] != "client" || person["status"] != "valid" {
		t.Fatalf("issued: %v", person)
	}
	s.ok("issue", "--server", "--dns", "localhost", "--ip", "127.0.0.1", "--ip", "::1")
	s.ok("issue", "--cn", "Bob", "--key", "rsa-2048", "--days", "10")

	list := decodeJSON[[]map[string]any](t, s.ok("list", "--json"))
	if len(list) != 4 {
		t.Fatalf("list has %d entries, want 4", len(list))
	}
	expiring := decodeJSON[[]map[string]any](t, s.ok("list", "--status", "expiring", "--json"))
	if len(expiring) != 1 || expiring[0]["common_name"] != "Bob" {
		t.Fatalf("expiring: %v", expiring)
	}
	found := decodeJSON[[]map[string]any](t, s.ok("list", "--search", "alice@", "--json"))
	if len(found) != 1 {
		t.Fatalf("search: %v", found)
	}
	text := s.ok("list")
	wantAll(t, "list output", text, "STATUS", "Alice Example", "localhost", "expiring")

	fp := person["fingerprint_sha256"].(string)
	for _, ref := range []string{"Alice Example", fp, strings.ToLower(strings.ReplaceAll(fp, ":", "")[:10]), person["serial"].(string)} {
		shown := decodeJSON[map[string]any](t, s.ok("show", ref, "--json"))
		if shown["fingerprint_sha256"] != fp {
			t.Errorf("show %q found %v", ref, shown["common_name"])
		}
	}
	shown := s.ok("show", "Alice Example")
	wantAll(t, "show", shown, "Serial (decimal)", "clientAuth", "alice@example.com", "SHA-1", "days left")

	// Exports.
	s.ok("export", "Acme CA", "--format", "pem", "--out", s.path("ca.pem"))
	s.ok("export", "Alice Example", "--format", "bundle", "--out", s.path("alice-bundle.pem"))
	s.ok("export", "Alice Example", "--format", "der", "--out", s.path("alice.der"))
	s.ok("export", "Alice Example", "--format", "chain", "--out", s.path("alice-chain.pem"))
	s.write("pw", "export-pass\n")
	s.ok("export", "Alice Example", "--format", "key", "--password-file", s.path("pw"), "--out", s.path("alice.key"))
	res := decodeJSON[map[string]any](t, s.ok("export", "Alice Example", "--format", "p12", "--out", s.path("alice.p12"), "--json"))
	password, _ := res["password"].(string)
	if len(password) < 20 {
		t.Fatalf("no generated password: %v", res)
	}
	s.ok("export", "Alice Example", "--format", "p12", "--preset", "modern", "--password-file", s.path("pw"), "--out", s.path("alice-modern.p12"))
	for name, mode := range map[string]os.FileMode{"ca.pem": 0o644, "alice-bundle.pem": 0o600, "alice.key": 0o600, "alice.p12": 0o600, "alice.der": 0o644} {
		st, err := os.Stat(s.path(name))
		if err != nil || st.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v (%v)", name, st.Mode().Perm(), mode, err)
		}
	}
	s.fails(1, "already exists", "export", "Alice Example", "--format", "pem", "--out", s.path("ca.pem"))
	s.ok("export", "Alice Example", "--format", "pem", "--out", s.path("ca.pem"), "--force")
	s.ok("export", "Acme CA", "--format", "pem", "--out", s.path("ca.pem"), "--force")

	// Inspect what was written, without a engine.
	s.vars["CERTDESK_VAULT"] = s.path("no-such-vault.db")
	p12 := decodeJSON[[]map[string]any](t, s.ok("inspect", s.path("alice.p12"), "--password-file", s.write("p12pw", password), "--json"))
	if len(p12) != 3 || p12[0]["fingerprint_sha256"] != fp || p12[1]["kind"] != "private_key" {
		t.Fatalf("inspect p12: %v", p12)
	}
	s.fails(1, "password", "inspect", s.path("alice.p12"))
	s.fails(1, "wrong", "inspect", s.path("alice.p12"), "--password-file", s.path("pw"))
	der := decodeJSON[map[string]any](t, s.ok("inspect", s.path("alice.der"), "--json"))
	if der["serial"] != person["serial"] {
		t.Errorf("inspect DER serial %v", der["serial"])
	}
	if out := s.ok("inspect", s.path("alice-chain.pem")); !strings.Contains(out, "Acme CA") || strings.Count(out, "Certificate\n") != 2 {
		t.Errorf("inspect chain:\n%s", out)
	}

	// Real peers read the exports.
	peertest.Require(t, "openssl")
	if out := peertest.Run(t, "openssl", "verify", "-purpose", "sslclient", "-CAfile", s.path("ca.pem"), s.path("alice-bundle.pem")); !strings.Contains(out, "OK") {
		t.Errorf("openssl verify: %s", out)
	}
	peertest.Run(t, "openssl", "pkcs12", "-in", s.path("alice.p12"), "-passin", "pass:"+password, "-noout")
	peertest.Run(t, "openssl", "pkcs12", "-in", s.path("alice-modern.p12"), "-passin", "pass:export-pass", "-noout")
	peertest.Run(t, "openssl", "pkey", "-in", s.path("alice.key"), "-passin", "pass:export-pass", "-noout")
}

func TestSignOpenSSLCSRWithCLI(t *testing.T) {
	t.Parallel()
	peertest.Require(t, "openssl")
	s := newSessionWithCA(t, "Signing CA")
	peertest.Run(t, "openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", s.path("carol.key"),
		"-out", s.path("carol.csr"), "-subj", "/CN=Carol/O=Acme", "-addext", "basicConstraints=critical,CA:TRUE")
	signed := decodeJSON[map[string]any](t, s.ok("sign", "--csr", s.path("carol.csr"), "--days", "90", "--json"))
	if signed["is_ca"] != false || signed["common_name"] != "Carol" || signed["has_key"] == true {
		t.Fatalf("signed: %v", signed)
	}
	s.ok("export", "Carol", "--out", s.path("carol.pem"))
	s.ok("export", "Signing CA", "--out", s.path("ca.pem"))
	if out := peertest.Run(t, "openssl", "verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", s.path("ca.pem"), s.path("carol.pem")); !strings.Contains(out, "OK") {
		t.Fatal(out)
	}
	s.fails(1, "no private key", "export", "Carol", "--format", "p12", "--out", s.path("carol.p12"))
	// A tampered CSR is refused and nothing is stored.
	csr, _ := os.ReadFile(s.path("carol.csr"))
	der := peertest.Run(t, "openssl", "req", "-in", s.path("carol.csr"), "-outform", "DER")
	_ = csr
	bad := []byte(der)
	if i := bytes.Index(bad, []byte("Carol")); i >= 0 {
		bad[i] = 'K'
		os.WriteFile(s.path("bad.csr"), bad, 0o600)
		s.fails(1, "signature", "sign", "--csr", s.path("bad.csr"))
	} else {
		t.Fatal("CN not found in the DER CSR")
	}
	if n := len(decodeJSON[[]map[string]any](t, s.ok("list", "--json"))); n != 2 {
		t.Errorf("%d certificates after a refused CSR, want 2", n)
	}
}

func TestImportOpenSSLCA(t *testing.T) {
	t.Parallel()
	peertest.Require(t, "openssl")
	s := newVaultSession(t)
	s.write("keypass", "ca-key-pass\n")
	// A CA as an admin makes it with openssl: encrypted traditional key.
	opensslCA(t, s, "ca", "/CN=OpenSSL Root/O=Legacy", "keyCertSign,cRLSign", "rsa:2048", "-passout", "file:"+s.path("keypass"))
	s.fails(1, "password", "ca", "import", "legacy", "--cert", s.path("ca.crt"), "--key", s.path("ca.key"))
	s.fails(1, "wrong", "ca", "import", "legacy", "--cert", s.path("ca.crt"), "--key", s.path("ca.key"), "--password-file", s.write("bad", "nope"))
	s.ok("ca", "import", "legacy", "--cert", s.path("ca.crt"), "--key", s.path("ca.key"), "--password-file", s.path("keypass"))
	s.ok("issue", "--ca", "legacy", "--cn", "Dave", "--email", "dave@example.com", "--days", "30")
	s.ok("export", "Dave", "--format", "pem", "--out", s.path("dave.pem"))
	if out := peertest.Run(t, "openssl", "verify", "-purpose", "sslclient", "-CAfile", s.path("ca.crt"), s.path("dave.pem")); !strings.Contains(out, "OK") {
		t.Fatal(out)
	}

	// A CA without cRLSign (as mkcert makes them) imports with a warning.
	opensslCA(t, s, "mk", "/CN=mkcert-like", "keyCertSign", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes")
	_, errOut, code := s.run("ca", "import", "mk", "--cert", s.path("mk.crt"), "--key", s.path("mk.key"))
	if code != 0 || !strings.Contains(errOut, "cannot sign CRLs") {
		t.Fatalf("import without cRLSign: exit %d, %q", code, errOut)
	}

	// From PKCS#12, as XCA or openssl export it.
	peertest.Run(t, "openssl", "pkcs12", "-export", "-inkey", s.path("mk.key"), "-in", s.path("mk.crt"), "-out", s.path("mk.p12"), "-passout", "pass:p12pass")
	s.fails(1, "already holds this certificate", "ca", "import", "mk-again", "--p12", s.path("mk.p12"), "--password-file", s.write("p12pass", "p12pass"))
	opensslCA(t, s, "x", "/CN=XCA-like", "keyCertSign,cRLSign", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes")
	peertest.Run(t, "openssl", "pkcs12", "-export", "-inkey", s.path("x.key"), "-in", s.path("x.crt"), "-out", s.path("x.p12"), "-passout", "pass:p12pass")
	s.ok("ca", "import", "from-p12", "--p12", s.path("x.p12"), "--password-file", s.path("p12pass"))
	s.ok("issue", "--ca", "from-p12", "--cn", "Frank", "--days", "30")

	// A key that is not the certificate's is refused, with nothing stored.
	s.fails(1, "does not belong", "ca", "import", "mixed", "--cert", s.path("ca.crt"), "--key", s.path("mk.key"))
	cas := decodeJSON[[]map[string]any](t, s.ok("ca", "list", "--json"))
	if len(cas) != 3 {
		t.Errorf("%d CAs, want 3", len(cas))
	}
}

func TestPythonMutualTLS(t *testing.T) {
	t.Parallel()
	peertest.Require(t, "python3")
	s := newInsecureSessionWithCA(t, "Py CA")
	s.ok("issue", "--cn", "Erin", "--email", "erin@example.com")
	s.ok("issue", "--server", "--dns", "localhost", "--ip", "127.0.0.1")
	s.ok("export", "Py CA", "--out", s.path("ca.pem"))
	s.ok("export", "Erin", "--format", "bundle", "--out", s.path("erin.pem"))
	s.ok("export", "localhost", "--format", "bundle", "--out", s.path("server.pem"))
	script := `
import socket, ssl, sys, threading
ca, client, server = sys.argv[1:4]
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
sctx.load_cert_chain(server)
sctx.load_verify_locations(ca)
sctx.verify_mode = ssl.CERT_REQUIRED
lsock = socket.socket()
lsock.bind(("127.0.0.1", 0))
lsock.listen(1)
lsock.settimeout(20)
port = lsock.getsockname()[1]
seen = {}
def serve():
    conn, _ = lsock.accept()
    with sctx.wrap_socket(conn, server_side=True) as tls:
        seen["peer"] = dict(x[0] for x in tls.getpeercert()["subject"])["commonName"]
        tls.sendall(b"hello " + seen["peer"].encode())
t = threading.Thread(target=serve)
t.start()
cctx = ssl.create_default_context(cafile=ca)
cctx.load_cert_chain(client)
with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
    with cctx.wrap_socket(raw, server_hostname="localhost") as tls:
        print(tls.recv(100).decode(), tls.version())
t.join(20)
`
	out := peertest.Run(t, "python3", "-c", script, s.path("ca.pem"), s.path("erin.pem"), s.path("server.pem"))
	if !strings.Contains(out, "hello Erin") {
		t.Fatalf("python mTLS: %s", out)
	}
}

func TestUsageAndErrors(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.fails(1, "does not exist", "list")
	s.fails(2, "unknown command", "frobnicate")
	s.fails(2, "unknown flag", "list", "--bogus")
	s.ok("init")
	s.fails(1, "already exists", "init")
	s.fails(1, "no CA yet", "issue", "--cn", "X")
	s.ok("ca", "create", "Acme")
	s.fails(2, "--cn", "issue")
	s.fails(2, "unknown key type", "issue", "--cn", "X", "--key", "dsa")
	s.fails(1, "not an e-mail", "issue", "--cn", "X", "--email", "nope")
	s.fails(1, "control character", "issue", "--cn", "X\x1b[31m")
	s.fails(1, "no CA named", "issue", "--ca", "Nope", "--cn", "X")
	s.fails(2, "unknown format", "export", "Acme", "--format", "zip", "--out", s.path("x"))
	s.fails(1, "no certificate matches", "show", "Nobody")
	s.fails(1, "empty", "inspect", s.write("empty", ""))
	s.fails(1, "not a certificate", "inspect", s.write("junk", "junk junk"))
	s.fails(2, "unknown status", "list", "--status", "bogus")
	s.vars["CERTDESK_PASSPHRASE"] = "wrong"
	s.fails(1, "passphrase is wrong", "issue", "--cn", "X")
	delete(s.vars, "CERTDESK_PASSPHRASE")
	s.fails(1, "no passphrase", "issue", "--cn", "X")
	s.vars["CERTDESK_PASSPHRASE"] = "correct horse battery"
	if n := len(decodeJSON[[]map[string]any](t, s.ok("list", "--json"))); n != 1 {
		t.Errorf("%d certificates after failed commands, want just the CA", n)
	}
	// --passphrase-file works as well as the variable.
	delete(s.vars, "CERTDESK_PASSPHRASE")
	s.ok("issue", "--cn", "Y", "--passphrase-file", s.write("pass", "correct horse battery\n"))
}
