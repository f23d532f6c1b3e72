package main

import (
	"os"
	"strings"
	"testing"

	"certdesk/core/peer/peertest"
)

func TestRevocationWorkflow(t *testing.T) {
	t.Parallel()
	s := newSessionWithCA(t, "Acme CA", "Alice", "Bob")
	s.ok("export", "Alice", "--out", s.path("alice.pem"))
	s.ok("export", "Bob", "--format", "bundle", "--out", s.path("bob-bundle.pem"))
	s.ok("export", "Acme CA", "--out", s.path("ca.pem"))

	verify := func(file string, wantCode int, want string) map[string]any {
		t.Helper()
		out, errOut, code := s.run("verify", file, "--json")
		if code != wantCode {
			t.Fatalf("verify %s: exit %d, want %d\n%s%s", file, code, wantCode, out, errOut)
		}
		res := decodeJSON[map[string]any](t, out)
		if res["verdict"] != want {
			t.Fatalf("verify %s: verdict %v, want %s", file, res["verdict"], want)
		}
		return res
	}
	verify(s.path("alice.pem"), 0, "ok")

	s.ok("revoke", "Alice", "--reason", "keyCompromise")
	res := verify(s.path("alice.pem"), 3, "revoked")
	if res["nginx_verify"] != "FAILED:certificate revoked" || !strings.Contains(res["explanation"].(string), "keyCompromise") {
		t.Errorf("verify JSON: %v", res)
	}
	s.fails(1, "already revoked", "revoke", "Alice", "--reason", "superseded")
	s.fails(2, "unknown revocation reason", "revoke", "Bob", "--reason", "because")
	s.fails(1, "not revoked", "unrevoke", "Bob")

	revoked := decodeJSON[[]map[string]any](t, s.ok("list", "--status", "revoked", "--json"))
	if len(revoked) != 1 || revoked[0]["common_name"] != "Alice" {
		t.Fatalf("revoked list: %v", revoked)
	}
	rev := revoked[0]["revocation"].(map[string]any)
	if rev["reason"] != "keyCompromise" || !strings.Contains(rev["by"].(string), "certctl") || rev["time"] == "" {
		t.Errorf("revocation: %v", rev)
	}
	if out := s.ok("show", "Alice"); !strings.Contains(out, "reason keyCompromise, by ") {
		t.Errorf("show:\n%s", out)
	}
	if out := s.ok("show", "Acme CA"); !strings.Contains(out, "none published yet") {
		t.Errorf("show CA before any CRL:\n%s", out)
	}

	// CRLs: numbered, and real peers accept them.
	first := decodeJSON[map[string]any](t, s.ok("crl", "--ca", "Acme CA", "--out", s.path("crl.pem"), "--json"))
	second := decodeJSON[map[string]any](t, s.ok("crl", "--out", s.path("crl2.der"), "--format", "der", "--days", "5", "--json"))
	if first["crl_number"].(float64) != 1 || second["crl_number"].(float64) != 2 || first["revoked"].(float64) != 1 {
		t.Fatalf("CRLs: %v %v", first, second)
	}
	if out, errOut, _ := s.run("show", "Acme CA"); !strings.Contains(out, "#2 expires soon") || !strings.Contains(errOut, "warning: CA \"Acme CA\": CRL #2 expires soon") {
		t.Errorf("show CA with a 5-day CRL:\n%s\n%s", out, errOut)
	}
	if out := s.ok("ca", "list"); !strings.Contains(out, "#2 expires soon") {
		t.Errorf("ca list with a 5-day CRL:\n%s", out)
	}
	s.fails(1, "already exists", "crl", "--out", s.path("crl.pem"))
	crl := decodeJSON[map[string]any](t, s.ok("inspect", s.path("crl2.der"), "--json"))
	if crl["crl_number"] != "2" || len(crl["revoked"].([]any)) != 1 {
		t.Errorf("inspect CRL: %v", crl)
	}

	peertest.Require(t, "openssl")
	if out := peertest.Run(t, "openssl", "crl", "-in", s.path("crl.pem"), "-CAfile", s.path("ca.pem"), "-noout", "-verify"); !strings.Contains(out, "verify OK") {
		t.Errorf("openssl crl -verify: %s", out)
	}
	if out := peertest.Run(t, "openssl", "crl", "-in", s.path("crl2.der"), "-inform", "DER", "-CAfile", s.path("ca.pem"), "-noout", "-verify", "-crlnumber"); !strings.Contains(out, "crlNumber=0x02") {
		t.Errorf("openssl crl number: %s", out)
	}
	out, err := peertest.Try(t, "openssl", "verify", "-crl_check", "-CAfile", s.path("ca.pem"), "-CRLfile", s.path("crl.pem"), s.path("alice.pem"))
	if err == nil || !strings.Contains(out, "certificate revoked") {
		t.Errorf("openssl verify -crl_check on Alice: %v\n%s", err, out)
	}
	if out := peertest.Run(t, "openssl", "verify", "-crl_check", "-CAfile", s.path("ca.pem"), "-CRLfile", s.path("crl.pem"), s.path("bob-bundle.pem")); !strings.Contains(out, "OK") {
		t.Errorf("openssl verify -crl_check on Bob: %s", out)
	}

	// Python's ssl with VERIFY_CRL_CHECK_LEAF refuses Alice in a real handshake and lets Bob in.
	s.ok("issue", "--server", "--dns", "localhost", "--ip", "127.0.0.1")
	s.ok("export", "localhost", "--format", "bundle", "--out", s.path("server.pem"))
	s.ok("export", "Alice", "--format", "bundle", "--out", s.path("alice-bundle.pem"))
	script := `
import socket, ssl, sys, threading
ca, crl, server, client = sys.argv[1:5]
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
sctx.load_cert_chain(server)
sctx.load_verify_locations(ca)
sctx.load_verify_locations(crl)
sctx.verify_mode = ssl.CERT_REQUIRED
sctx.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF
lsock = socket.socket()
lsock.bind(("127.0.0.1", 0))
lsock.listen(1)
lsock.settimeout(20)
result = {}
def serve():
    conn, _ = lsock.accept()
    try:
        with sctx.wrap_socket(conn, server_side=True) as tls:
            tls.sendall(b"welcome")
            result["server"] = "accepted"
    except ssl.SSLError as e:
        result["server"] = "refused: " + str(getattr(e, "verify_message", "") or e.reason)
t = threading.Thread(target=serve)
t.start()
cctx = ssl.create_default_context(cafile=ca)
cctx.load_cert_chain(client)
try:
    with socket.create_connection(("127.0.0.1", lsock.getsockname()[1]), timeout=20) as raw:
        with cctx.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.recv(10)
except (ssl.SSLError, ConnectionError, OSError):
    pass
t.join(20)
print(result.get("server"))
`
	alice := peertest.Run(t, "python3", "-c", script, s.path("ca.pem"), s.path("crl.pem"), s.path("server.pem"), s.path("alice-bundle.pem"))
	if !strings.Contains(alice, "refused") || !strings.Contains(alice, "certificate revoked") {
		t.Errorf("python with CRL check, Alice: %s", alice)
	}
	bob := peertest.Run(t, "python3", "-c", script, s.path("ca.pem"), s.path("crl.pem"), s.path("server.pem"), s.path("bob-bundle.pem"))
	if !strings.Contains(bob, "accepted") {
		t.Errorf("python with CRL check, Bob: %s", bob)
	}

	// Unrevoke: the verdict is ok again, and the user is told about published CRLs.
	if out := s.ok("unrevoke", "Alice"); !strings.Contains(out, "CRLs already published still list it") {
		t.Errorf("unrevoke: %s", out)
	}
	verify(s.path("alice.pem"), 0, "ok")
}

func TestDenyByFingerprint(t *testing.T) {
	t.Parallel()
	s := newInsecureSessionWithCA(t, "Here")
	// A certificate from elsewhere: another vault's CA and person.
	other := newInsecureSessionWithCA(t, "Elsewhere")
	person := decodeJSON[map[string]any](t, other.ok("issue", "--cn", "Mallory", "--json"))
	other.ok("export", "Mallory", "--out", s.path("mallory.pem"))
	fp := person["fingerprint_sha256"].(string)

	res := decodeJSON[map[string]any](t, func() string { out, _, _ := s.run("verify", s.path("mallory.pem"), "--json"); return out }())
	if res["verdict"] != "unknown_ca" {
		t.Fatalf("foreign cert: %v", res["verdict"])
	}
	s.ok("revoke", "--fingerprint", strings.ToLower(strings.ReplaceAll(fp, ":", "")), "--reason", "keyCompromise")
	out, _, code := s.run("verify", s.path("mallory.pem"), "--json")
	res = decodeJSON[map[string]any](t, out)
	reasons := res["reasons"].([]any)
	if code != 3 || len(reasons) != 2 || reasons[0] != "unknown_ca" || reasons[1] != "revoked" {
		t.Fatalf("denied foreign cert: exit %d, %v", code, reasons)
	}
	s.fails(1, "already on the deny-list", "revoke", "--fingerprint", fp)
	s.fails(2, "give one REF", "revoke")
	s.fails(2, "64", "revoke", "--fingerprint", "AB:CD")
	s.ok("unrevoke", fp)
	// Verify a garbage file: malformed, exit 3.
	os.WriteFile(s.path("junk.der"), []byte{0x30, 0x03, 1, 2, 3}, 0o600)
	out, _, code = s.run("verify", s.path("junk.der"))
	if code != 3 || !strings.Contains(out, "malformed") {
		t.Errorf("verify junk: exit %d\n%s", code, out)
	}
}

func TestCRLForCAWithoutCRLSign(t *testing.T) {
	t.Parallel()
	peertest.Require(t, "openssl")
	s := newVaultSession(t)
	opensslCA(t, s, "mk", "/CN=mkcert-like", "keyCertSign", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes")
	s.ok("ca", "import", "mk", "--cert", s.path("mk.crt"), "--key", s.path("mk.key"))
	s.fails(1, "cRLSign", "crl", "--ca", "mk", "--out", s.path("crl.pem"))
	if _, err := os.Stat(s.path("crl.pem")); err == nil {
		t.Error("a refused CRL left a file behind")
	}
	s.vars["CERTDESK_PASSPHRASE"] = "wrong"
	s.fails(1, "passphrase is wrong", "revoke", "mk")
}

func TestBackupRestoreCLI(t *testing.T) {
	t.Parallel()
	s := newSessionWithCA(t, "Acme", "Alice")
	s.ok("backup", s.path("backup.db"))
	s.fails(1, "already exists", "backup", s.path("backup.db"))
	original := s.vars["CERTDESK_VAULT"]
	s.vars["CERTDESK_VAULT"] = s.path("restored.db")
	s.ok("restore", s.path("backup.db"))
	s.vars["CERTDESK_VAULT"] = original
	s.fails(1, "already exists", "restore", s.path("backup.db"))
	s.vars["CERTDESK_VAULT"] = s.path("restored.db")
	if out := s.ok("show", "Alice"); !strings.Contains(out, "Alice") {
		t.Errorf("restored vault: %s", out)
	}
	s.ok("issue", "--cn", "Bob") // the same passphrase unlocks it
	s.fails(1, "is it a Certdesk vault?", "restore", s.write("junk.db", strings.Repeat("junk", 1000)))
}
