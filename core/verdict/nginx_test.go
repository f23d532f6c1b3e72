package verdict_test

import (
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certdesk/core/export"
	"certdesk/core/internal/testmatrix"
	"certdesk/core/peer"
	"certdesk/core/peer/peertest"
	"certdesk/core/pki"
	"certdesk/core/verdict"
)

// nginxDifferences lists the cases where nginx's $ssl_client_verify
// deliberately differs from our nginx_verify, and why.
var nginxDifferences = map[string]struct{ nginx, why string }{
	"garbage": {"", "a TLS client cannot present unparseable bytes as a certificate (the handshake fails before nginx judges anything); " +
		"the test server reports such input as malformed or handshake_failed"},
	"revoked by fingerprint": {"SUCCESS", "nginx has no fingerprint deny-list; Certdesk refuses certificates from elsewhere by their SHA-256 fingerprint"},
	"expired and unknown CA": {"FAILED:certificate has expired", "OpenSSL reports only the last error it met, the expiry; " +
		"Certdesk lists every reason and puts the untrusted issuer first, since it matters more"},
}

// TestNginxParity starts a real nginx with ssl_verify_client
// optional_no_ca, our CA and our CRLs, presents every certificate of the
// matrix with curl, and compares $ssl_client_verify with our verdict.
func TestNginxParity(t *testing.T) {
	nginx := peertest.Require(t, "nginx")
	peertest.Require(t, "curl")
	now := time.Now()
	m, err := testmatrix.Build(now)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	addr := startNginx(t, nginx, dir, m)

	t.Logf("%-34s %-48s %-48s", "case", "Certdesk nginx_verify", "nginx $ssl_client_verify")
	for i, c := range m.Cases {
		ours := verdict.Judge(c.Chain, m.Trust, now)
		args := []string{"-sk", "--max-time", "10", "https://" + addr + "/"}
		if c.Name == "garbage" {
			t.Logf("%-34s %-48s %-48s", c.Name, ours.NginxVerify, "(not presentable over TLS)")
			continue
		}
		if c.Key != nil {
			certFile := filepath.Join(dir, fmt.Sprintf("case%d.pem", i))
			keyFile := filepath.Join(dir, fmt.Sprintf("case%d.key", i))
			var certPEM []byte
			for _, der := range c.Chain {
				certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
			}
			keyPEM, err := export.KeyPEM(c.Key, "")
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(certFile, certPEM, 0o600)
			os.WriteFile(keyFile, keyPEM, 0o600)
			args = append(args, "--cert", certFile, "--key", keyFile)
		}
		out, err := peertest.Try(t, "curl", args...)
		if err != nil {
			t.Fatalf("%s: curl: %v\n%s", c.Name, err, out)
		}
		theirs := strings.TrimSpace(out)
		t.Logf("%-34s %-48s %-48s", c.Name, ours.NginxVerify, theirs)
		want := ours.NginxVerify
		if d, ok := nginxDifferences[c.Name]; ok {
			want = d.nginx
		}
		if theirs != want {
			t.Errorf("%s: nginx says %q, we say %q", c.Name, theirs, ours.NginxVerify)
		}
	}
}

func startNginx(t *testing.T, nginx, dir string, m *testmatrix.Matrix) string {
	t.Helper()
	server, err := m.Root.IssueServer(pki.ServerRequest{DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := export.KeyPEM(server.Key, "")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var crls []byte
	for _, der := range m.CRLs {
		crls = append(crls, pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})...)
	}
	addr := peertest.FreeAddr(t)
	conf := peer.NginxConfig{Dir: dir, LogLevel: "info", Connections: 64, HTTP: peer.NginxMTLSServer{
		Listen: addr, Certificate: write("server.pem", pki.EncodeCertPEM(server.Cert)), Key: write("server.key", keyPEM),
		ClientCA: write("ca.pem", pki.EncodeCertPEM(m.Root.Cert)), Verify: "optional_no_ca", Depth: 3, CRL: write("crl.pem", crls),
	}.String()}
	if err := conf.Write(); err != nil {
		t.Fatal(err)
	}
	peertest.StartServer(t, exec.Command(nginx, conf.Args()...), addr)
	return addr
}
