package peer_test

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certdesk/core/peer"
	"certdesk/core/pki"
	"certdesk/core/pki/pkitest"
)

// TestNginxConfig has the real nginx check the configuration the writer
// makes (nginx -t), then serve it, and asks it with curl what it thinks of
// no certificate, a good one and one from another CA.
func TestNginxConfig(t *testing.T) {
	nginx, curl := findOrSkip(t, "nginx"), findOrSkip(t, "curl")
	dir := filepath.Join(t.TempDir(), `a "quoted" folder`) // paths are quoted for nginx
	files := writeCerts(t, dir)
	addr, err := peer.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	conf := peer.NginxConfig{Dir: dir, LogLevel: "info", Connections: 16, HTTP: peer.NginxMTLSServer{
		Listen: addr, Certificate: files["server.pem"], Key: files["server.key"], ClientCA: files["ca.pem"],
		Verify: "optional", Depth: 2, Directives: []string{"keepalive_timeout 0"},
	}.String()}
	if err := conf.Write(); err != nil {
		t.Fatal(err)
	}
	if out, err := peer.Run(exec.Command(nginx, append(conf.Args(), "-t")...), peer.RunTimeout); err != nil {
		t.Fatalf("nginx -t refuses the configuration: %v\n%s\n%s", err, out, conf.String())
	}
	broken := conf
	broken.Dir = filepath.Join(t.TempDir(), "broken")
	broken.HTTP = strings.Replace(conf.HTTP, "ssl_verify_client optional", "ssl_verify_client sometimes", 1)
	if err := broken.Write(); err != nil {
		t.Fatal(err)
	}
	_, err = peer.StartServer(exec.Command(nginx, broken.Args()...), addr, peer.StartTimeout)
	if !errors.Is(err, peer.ErrExited) || !strings.Contains(err.Error(), "[emerg]") {
		t.Fatalf("nginx with a bad directive: %v; want ErrExited with nginx's own message", err)
	}
	s, err := peer.StartServer(exec.Command(nginx, conf.Args()...), addr, peer.StartTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	})
	tests := []struct {
		name, who, want string
	}{
		{"no certificate", "", "NONE"},
		{"a client of the CA", "client", "SUCCESS"},
		{"a client of another CA", "foreign", "FAILED:"}, // answered through error_page 495
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"-sk", "--max-time", "10", "https://" + addr + "/"}
			if tt.who != "" {
				args = append(args, "--cert", files[tt.who+".pem"], "--key", files[tt.who+".key"])
			}
			out, err := peer.Run(exec.Command(curl, args...), peer.RunTimeout)
			if err != nil {
				t.Fatalf("curl: %v\n%s", err, out)
			}
			if !strings.HasPrefix(out, tt.want) {
				t.Errorf("nginx says %q, want %q", out, tt.want)
			}
		})
	}
}

func findOrSkip(t *testing.T, program string) string {
	t.Helper()
	p, err := peer.Find(program)
	if err != nil {
		requireInCI(t, program)
	}
	return p
}

// writeCerts writes a CA, a server certificate, a client of the CA and a
// client of another CA, with their keys, and returns the files by name.
func writeCerts(t *testing.T, dir string) map[string]string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ca := pkitest.CA(t, pki.CARequest{Name: pki.Name{CommonName: "Peer CA"}}, now)
	other := pkitest.CA(t, pki.CARequest{Name: pki.Name{CommonName: "Other CA"}}, now)
	files := map[string]string{}
	write := func(name string, data []byte) {
		files[name] = filepath.Join(dir, name)
		if err := os.WriteFile(files[name], data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	keep := func(name string, issued *pki.Issued, err error) {
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(issued.Key)
		if err != nil {
			t.Fatal(err)
		}
		write(name+".pem", pki.EncodeCertPEM(issued.Cert))
		write(name+".key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	}
	write("ca.pem", pki.EncodeCertPEM(ca.Cert))
	server, err := ca.IssueServer(pki.ServerRequest{DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}, now)
	keep("server", server, err)
	client, err := ca.IssuePerson(pki.PersonRequest{Name: pki.Name{CommonName: "Peer Client"}}, now)
	keep("client", client, err)
	foreign, err := other.IssuePerson(pki.PersonRequest{Name: pki.Name{CommonName: "Foreign Client"}}, now)
	keep("foreign", foreign, err)
	return files
}
