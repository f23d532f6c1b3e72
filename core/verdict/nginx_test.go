package verdict_test

import (
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"certdesk/core/export"
	"certdesk/core/peer"
	"certdesk/core/peer/peertest"
	"certdesk/core/pki"
	"certdesk/core/verdict"
	"certdesk/core/verdict/verdicttest"
)

// nginxDifferences lists the cases where nginx's $ssl_client_verify
// deliberately differs from our nginx_verify, and why.
var nginxDifferences = map[string]struct{ nginx, why string }{
	"garbage": {"", "a TLS client cannot present unparseable bytes as a certificate (the handshake fails before nginx judges anything); " +
		"the test server reports such input as malformed or handshake_failed"},
	"revoked by fingerprint": {"SUCCESS", "nginx has no fingerprint deny-list; Certdesk refuses certificates from elsewhere by their SHA-256 fingerprint"},
}

// TestNginxParity starts a real nginx with ssl_verify_client
// optional_no_ca, our CA and our CRLs, presents every certificate of the
// matrix with curl, and compares $ssl_client_verify with our verdict.
func TestNginxParity(t *testing.T) {
	peertest.Require(t, "curl")
	now := time.Now()
	m := verdicttest.MustBuild(t, now)
	dir := t.TempDir()
	port := startNginx(t, dir, m)

	t.Logf("%-34s %-48s %-48s", "case", "Certdesk nginx_verify", "nginx $ssl_client_verify")
	for i, c := range m.Cases {
		ours := verdict.Judge(c.Chain, m.Trust, now)
		args := []string{"-sk", "--max-time", "10", fmt.Sprintf("https://127.0.0.1:%d/", port)}
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

func startNginx(t *testing.T, dir string, m *verdicttest.Matrix) int {
	t.Helper()
	server, err := m.Root.IssueServer(pki.ServerRequest{DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, _ := export.KeyPEM(server.Key, "")
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
	port := freePort(t)
	block := fmt.Sprintf(`server {
		listen 127.0.0.1:%[1]d ssl;
		ssl_certificate %[2]s;
		ssl_certificate_key %[3]s;
		ssl_client_certificate %[4]s;
		ssl_verify_client optional_no_ca;
		ssl_verify_depth 3;
		ssl_crl %[5]s;
		ssl_session_tickets off;
		error_page 495 496 = @verify;
		location / { return 200 "$ssl_client_verify\n"; }
		location @verify { return 200 "$ssl_client_verify\n"; }
	}
`, port, write("server.pem", pki.EncodeCertPEM(server.Cert)), write("server.key", keyPEM),
		write("ca.pem", pki.EncodeCertPEM(m.Root.Cert)), write("crl.pem", crls))
	runNginx(t, dir, block, []int{port})
	return port
}

// runNginx starts one nginx with these server blocks (listening on ports)
// and waits until every port listens; the test stops it. It is the one
// place these tests start nginx, through core/peer.
func runNginx(t *testing.T, dir, servers string, ports []int) {
	t.Helper()
	nginx := peertest.Require(t, "nginx")
	conf := peer.NginxConfig{Dir: dir, Connections: 256, HTTP: servers}
	if err := conf.Write(); err != nil {
		t.Fatal(err)
	}
	peertest.StartServer(t, exec.Command(nginx, conf.Args()...), fmt.Sprintf("127.0.0.1:%d", ports[0]))
	deadline := time.Now().Add(10 * time.Second)
	for _, port := range ports[1:] {
		for {
			c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("nginx does not listen on %d: %v", port, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// freePort is a free loopback port.
func freePort(t *testing.T) int {
	t.Helper()
	_, port, err := net.SplitHostPort(peertest.FreeAddr(t))
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
