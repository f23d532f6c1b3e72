package mtls

import (
	"crypto/x509"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certdesk/core/export"
	"certdesk/core/peer/peertest"
	"certdesk/core/pki"
	"certdesk/core/verdict"
	"certdesk/core/verdict/verdicttest"
)

// peerFiles writes a case's chain and key for real clients.
func peerFiles(t *testing.T, dir string, c verdicttest.Case) (certFile, keyFile string) {
	t.Helper()
	var chain []byte
	for _, der := range c.Chain {
		chain = append(chain, pemCert(der)...)
	}
	key, err := export.KeyPEM(c.Key, "")
	if err != nil {
		t.Fatal(err)
	}
	name := strings.ReplaceAll(c.Name, " ", "_")
	certFile, keyFile = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key")
	os.WriteFile(certFile, chain, 0o600)
	os.WriteFile(keyFile, key, 0o600)
	return certFile, keyFile
}

func pemCert(der []byte) []byte {
	c, _ := x509.ParseCertificate(der)
	return pki.EncodeCertPEM(c)
}

// TestRealClients runs curl, openssl s_client and Python's ssl module
// against the server in explain and strict modes and checks both what they
// got and the event each produced.
func TestRealClients(t *testing.T) {
	peertest.Require(t, "curl")
	peertest.Require(t, "openssl")
	peertest.Require(t, "python3")
	f := startFixture(t, Config{})
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	os.WriteFile(caFile, pki.EncodeCertPEM(f.m.Root.Cert), 0o644)
	port := f.server.Addr().(interface{ String() string }).String()
	port = port[strings.LastIndex(port, ":")+1:]
	url := fmt.Sprintf("https://localhost:%s/api/whoami", port)

	type client func(certFile, keyFile string) (status int, body string, ok bool)
	curl := func(certFile, keyFile string) (int, string, bool) {
		args := []string{"-s", "--max-time", "10", "--cacert", caFile, "--resolve", "localhost:" + port + ":127.0.0.1", "-w", "\n%{http_code}", url}
		if certFile != "" {
			args = append(args, "--cert", certFile, "--key", keyFile)
		}
		out, err := peertest.Try(t, "curl", args...)
		if err != nil {
			return 0, out, false
		}
		i := strings.LastIndex(out, "\n")
		var status int
		fmt.Sscan(out[i+1:], &status)
		return status, out[:i], true
	}
	sclient := func(certFile, keyFile string) (int, string, bool) {
		args := []string{"s_client", "-quiet", "-connect", "127.0.0.1:" + port, "-servername", "localhost", "-CAfile", caFile, "-verify_return_error"}
		if certFile != "" {
			args = append(args, "-cert", certFile, "-cert_chain", certFile, "-key", keyFile)
		}
		out, _ := peertest.TryInput(t, []byte("GET /api/whoami HTTP/1.0\r\nHost: localhost\r\n\r\n"), "openssl", args...)
		i := strings.Index(out, "HTTP/1.")
		if i < 0 {
			return 0, out, false
		}
		var status int
		fmt.Sscan(strings.Fields(out[i:])[1], &status)
		return status, out[strings.Index(out, "{"):], true
	}
	python := func(certFile, keyFile string) (int, string, bool) {
		script := `
import http.client, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
if sys.argv[3]:
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
conn = http.client.HTTPSConnection("localhost", int(sys.argv[2]), context=ctx, timeout=10)
try:
    conn.request("GET", "/api/whoami")
    r = conn.getresponse()
    print(r.status)
    print(r.read().decode())
except (ssl.SSLError, ConnectionError) as e:
    print("refused", e)
`
		out, err := peertest.Try(t, "python3", "-c", script, caFile, port, certFile, keyFile)
		if err != nil || strings.HasPrefix(out, "refused") {
			return 0, out, false
		}
		var status int
		fmt.Sscan(out, &status)
		return status, out[strings.Index(out, "\n")+1:], true
	}
	clients := map[string]client{"curl": curl, "openssl s_client": sclient, "python ssl": python}
	cases := []struct {
		name       string
		mode       Mode
		wantStatus int // 0: refused in the handshake
		want       verdict.Code
	}{
		{"valid", Explain, 200, verdict.OK},
		{"none", Explain, 400, verdict.NoCertificate},
		{"revoked by serial", Explain, 403, verdict.Revoked},
		{"look-alike CA", Explain, 403, verdict.UnknownCA},
		{"intermediate CA in chain", Explain, 200, verdict.OK},
		{"valid", Strict, 200, verdict.OK},
		{"expired", Strict, 0, verdict.Expired},
		{"none", Strict, 0, verdict.NoCertificate},
		{"none", Optional, 200, verdict.NoCertificate},
	}
	for clientName, run := range clients {
		for _, tc := range cases {
			t.Run(clientName+"/"+string(tc.mode)+"/"+tc.name, func(t *testing.T) {
				f.server.SetMode(tc.mode)
				c := f.m.Named(tc.name)
				var certFile, keyFile string
				if c.Key != nil {
					certFile, keyFile = peerFiles(t, dir, c)
				}
				status, body, ok := run(certFile, keyFile)
				e := f.nextEvent(t)
				if e.Verdict != tc.want || e.HTTPStatus != tc.wantStatus {
					t.Errorf("event: verdict %s status %d; want %s %d", e.Verdict, e.HTTPStatus, tc.want, tc.wantStatus)
				}
				if tc.wantStatus == 0 {
					if ok && status != 0 {
						t.Errorf("client was served (%d) but should have been refused:\n%s", status, body)
					}
					if !e.Refused {
						t.Error("event does not say the handshake was refused")
					}
					return
				}
				if !ok || status != tc.wantStatus {
					t.Fatalf("client got status %d (ok=%v):\n%s", status, ok, body)
				}
				var who map[string]any
				if err := json.Unmarshal([]byte(strings.TrimSpace(body)), &who); err != nil {
					t.Fatalf("body is not JSON: %v\n%s", err, body)
				}
				if who["verdict"] != string(tc.want) {
					t.Errorf("whoami verdict %v, want %s", who["verdict"], tc.want)
				}
				if e.TLSVersion == "" || e.SNI != "localhost" {
					t.Errorf("event TLS %q SNI %q", e.TLSVersion, e.SNI)
				}
			})
		}
	}
}
