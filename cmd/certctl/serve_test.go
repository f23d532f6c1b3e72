package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"certdesk/core/peer/peertest"
)

// TestServeAndTry runs `certctl serve` as its own process and drives it
// with `certctl try` and `certctl revoke` from this one, as two terminals would.
func TestServeAndTry(t *testing.T) {
	t.Parallel()
	s := newSessionWithCA(t, "Demo CA", "Alice")
	s.ok("issue", "--cn", "Bob", "--email", "bob@example.com")
	srv := startServe(t, s)
	addr, waitFor, cmd := srv.addr, srv.waitFor, srv.cmd

	if out := s.ok("try", "--as", "Alice", "--addr", addr); !strings.Contains(out, "HTTP 200, verdict ok") {
		t.Errorf("try as Alice: %s", out)
	}
	waitFor(`let in: "Alice" asked for /api/whoami`)
	out, _, code := s.run("try", "--none", "--addr", addr)
	if code != 3 || !strings.Contains(out, "HTTP 400, verdict no_certificate") {
		t.Errorf("try --none: exit %d %s", code, out)
	}
	waitFor("refused: someone without a certificate — no certificate sent — HTTP 400")
	out, _, code = s.run("try", "--lookalike", "--addr", addr)
	if code != 3 || !strings.Contains(out, "unknown_ca") || !strings.Contains(out, "look-alike") {
		t.Errorf("try --lookalike: exit %d %s", code, out)
	}
	waitFor(`refused: "Look-alike Person" — not signed by a CA this server trusts`)
	waitFor("code unknown_ca · nginx: FAILED:unable to verify the first certificate")

	// Revoke from "another terminal": the running server refuses Alice within a second.
	revokedAt := time.Now()
	s.ok("revoke", "Alice", "--reason", "keyCompromise")
	var delay time.Duration
	for {
		out, _, _ := s.run("try", "--as", "Alice", "--addr", addr)
		if strings.Contains(out, "verdict revoked") {
			delay = time.Since(revokedAt)
			break
		}
		if time.Since(revokedAt) > 5*time.Second {
			t.Fatalf("still not revoked after 5 s: %s", out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("revocation reached the running server after %v", delay)
	if delay > 2*time.Second {
		t.Errorf("revocation took %v to reach the server; it polls every 250 ms", delay)
	}
	waitFor(`refused: "Alice" — certificate revoked — HTTP 403`)

	// The generated commands work as pasted.
	peertest.Require(t, "curl")
	peertest.Require(t, "python3")
	peertest.Require(t, "openssl")
	dir := t.TempDir()
	snippets := decodeJSON[[]map[string]string](t, s.ok("try", "--as", "Bob", "--addr", addr, "--commands", "--dir", dir, "--json"))
	if len(snippets) != 4 {
		t.Fatalf("snippets: %v", snippets)
	}
	for _, sn := range snippets {
		out, err := peertest.Try(t, "bash", "-c", sn["command"])
		if err != nil {
			t.Errorf("%s snippet failed: %v\n%s\n%s", sn["tool"], err, sn["command"], out)
			continue
		}
		if !strings.Contains(out, `"verdict": "ok"`) && !strings.Contains(out, "Bob's certificate is valid") {
			t.Errorf("%s snippet output:\n%s", sn["tool"], out)
		}
		waitFor(`"Bob"`)
	}
	if st, err := os.Stat(filepath.Join(dir, "bob.key")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("bob.key: %v %v", st, err)
	}

	// Ctrl-C stops it cleanly.
	cmd.Process.Signal(syscall.SIGINT)
	waitFor("Stopped after")
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve after Ctrl-C: %v", err)
	}
	t.Logf("certctl serve output:\n%s", strings.Join(*srv.output, "\n"))
}

func TestServeUsage(t *testing.T) {
	t.Parallel()
	s := newInsecureSession(t)
	s.fails(2, "unknown mode", "serve", "--mode", "lax")
	s.fails(1, "no CA yet", "serve")
	s.fails(2, "choose one of", "try")
	s.fails(2, "choose one of", "try", "--none", "--lookalike")
	s.ok("ca", "create", "X")
	s.fails(1, "is `certctl serve` running", "try", "--none", "--addr", peertest.FreeAddr(t))
}

// TestTrustSelfSignedClient trusts a self-signed client certificate made
// by openssl, as Python SSLContext setups do with load_verify_locations on
// the client's own certificate: openssl verify says OK, and the test server
// lets exactly that client in — not another self-signed one.
func TestTrustSelfSignedClient(t *testing.T) {
	t.Parallel()
	openssl := peertest.Require(t, "openssl")
	curl := peertest.Require(t, "curl")
	s := newSessionWithCA(t, "Own CA")
	for _, who := range []string{"svc", "other"} {
		peertest.Run(t, openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
			"-keyout", s.path(who+".key"), "-out", s.path(who+".pem"), "-days", "30", "-subj", "/CN="+who,
			"-addext", "extendedKeyUsage=clientAuth", "-addext", "keyUsage=critical,digitalSignature")
	}
	if out := peertest.Run(t, openssl, "verify", "-purpose", "sslclient", "-CAfile", s.path("svc.pem"), s.path("svc.pem")); !strings.Contains(out, "OK") {
		t.Fatalf("openssl verify: %s", out)
	}
	s.ok("ca", "import", "Service", "--cert", s.path("svc.pem"))
	s.fails(1, "cannot issue", "issue", "--ca", "Service", "--cn", "Nope")
	s.ok("export", "Own CA", "--format", "pem", "--out", s.path("own-ca.pem"))
	addr := startServe(t, s, "--ca", "Own CA", "--trust", "Service", "--mode", "strict").addr
	url := "https://localhost:" + addr[strings.LastIndex(addr, ":")+1:] + "/api/whoami"
	for _, tt := range []struct {
		who  string
		want string
	}{{"svc", `"verdict": "ok"`}, {"other", ""}} {
		out, err := peertest.Try(t, curl, "-sS", "--cacert", s.path("own-ca.pem"), "--cert", s.path(tt.who+".pem"), "--key", s.path(tt.who+".key"),
			"--resolve", "localhost:"+addr[strings.LastIndex(addr, ":")+1:]+":127.0.0.1", url)
		switch {
		case tt.want != "" && (err != nil || !strings.Contains(out, tt.want)):
			t.Errorf("%s: %v %s", tt.who, err, out)
		case tt.want == "" && err == nil:
			t.Errorf("%s, a self-signed certificate nobody trusted, was let in: %s", tt.who, out)
		}
	}
}

// TestServeDepth: a person two issuing CAs below the root is let in at the
// default depth and refused by serve --depth 1, as nginx's
// ssl_verify_depth 1 would.
func TestServeDepth(t *testing.T) {
	t.Parallel()
	s := newVaultSession(t)
	s.ok("ca", "create", "Root", "--path-len", "2")
	s.ok("ca", "create", "Mid", "--parent", "Root", "--path-len", "1")
	s.ok("ca", "create", "Low", "--parent", "Mid")
	s.ok("issue", "--ca", "Low", "--cn", "Tess")
	for _, tt := range []struct {
		depth    string
		wantCode int
		want     string
	}{{"0", 0, "verdict ok"}, {"1", 3, "chain_too_long"}} {
		addr := startServe(t, s, "--ca", "Root", "--depth", tt.depth).addr
		out, _, code := s.run("try", "--as", "Tess", "--addr", addr)
		if code != tt.wantCode || !strings.Contains(out, tt.want) {
			t.Errorf("--depth %s: exit %d %q, want exit %d with %q", tt.depth, code, out, tt.wantCode, tt.want)
		}
	}
}
