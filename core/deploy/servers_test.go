package deploy

import (
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"certdesk/core/export"
	"certdesk/core/peer"
	"certdesk/core/peer/peertest"
	"certdesk/core/pki"
	"certdesk/core/pki/pkitest"
)

type fixture struct {
	vera      *x509.Certificate
	kit       Kit
	authority pki.Authority
	// client certificate and key files by who they are
	people map[string][2]string
}

// issue issues a person by the CA at now, writes their certificate (with
// the CA's after it, withCA: as certctl's bundle export does) and key into
// dir, and keeps the files under their name.
func (f *fixture) issue(t *testing.T, dir, name string, by pki.Authority, now time.Time, withCA bool) *pki.Issued {
	t.Helper()
	p := pkitest.Person(t, by, pki.PersonRequest{Name: pki.Name{CommonName: name}}, now)
	key, err := export.KeyPEM(p.Key, "")
	if err != nil {
		t.Fatal(err)
	}
	cert := pki.EncodeCertPEM(p.Cert)
	if withCA {
		cert = append(cert, pki.EncodeCertPEM(by.Cert)...)
	}
	certFile, keyFile := filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key")
	peertest.WriteFile(t, certFile, cert)
	peertest.WriteFile(t, keyFile, key)
	f.people[name] = [2]string{certFile, keyFile}
	return p
}

// newFixture makes a kit — a CA with a CRL, a server certificate — and
// three clients: valid, revoked (in the CRL) and foreign (another CA).
func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	now := time.Now()
	ca := pkitest.CA(t, pki.CARequest{Name: pki.Name{CommonName: "Deploy CA"}}, now)
	other := pkitest.CA(t, pki.CARequest{Name: pki.Name{CommonName: "Foreign CA"}}, now)
	server, err := ca.IssueServer(pki.ServerRequest{DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}, now)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{people: map[string][2]string{}}
	f.vera = f.issue(t, dir, "Valid Vera", ca, now, false).Cert
	revoked := f.issue(t, dir, "Revoked Rick", ca, now, false)
	f.issue(t, dir, "Foreign Fred", other, now, false)
	crl, err := ca.SignCRL(pki.CRLRequest{Number: big.NewInt(1), ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(24 * time.Hour),
		Entries: []pki.Revoked{{Serial: revoked.Cert.SerialNumber, Time: now, Reason: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	f.authority = ca
	f.kit = Kit{CAName: "Deploy CA", CA: ca.Cert, CRL: crl, ServerCert: server.Cert, Chain: []*x509.Certificate{ca.Cert},
		ServerKey: server.Key, ServerName: "localhost"}
	return f
}

// writeKit writes the kit for one server listening on listen, in front of
// backend, and returns the folder.
func (f *fixture) writeKit(t *testing.T, target Target, listen, backend string) string {
	t.Helper()
	// A folder name with a space and quotes, as admins' folders have.
	dir := filepath.Join(t.TempDir(), `kit "one" two`)
	kit := f.kit
	kit.Listen, kit.Backend = listen, backend
	if _, err := WriteKit(dir, kit, []Target{target}, false); err != nil {
		t.Fatal(err)
	}
	return dir
}

// backend is the application behind a proxy: it echoes the identity headers.
func backend(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, h := range []string{"X-Client-Verify", "X-Client-DN", "X-Client-Serial", "X-Client-Fingerprint"} {
			fmt.Fprintf(w, "%s: %s\n", h, r.Header.Get(h))
		}
	}), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}

// connect makes one request as a client and returns the HTTP status (0 when
// the handshake was refused) and the body.
func (f *fixture) connect(t *testing.T, kitDir, addr, who string, extra ...string) (int, string) {
	t.Helper()
	_, port, _ := net.SplitHostPort(addr)
	args := append([]string{"-s", "--max-time", "10", "--cacert", filepath.Join(kitDir, CAFileName)}, extra...)
	out, _ := peertest.Try(t, "curl", append(args, "--resolve", "localhost:"+port+":127.0.0.1",
		"--cert", f.people[who][0], "--key", f.people[who][1], "-w", "\n%{http_code}", "https://localhost:"+port+"/")...)
	i := strings.LastIndex(out, "\n")
	var status int
	fmt.Sscan(out[i+1:], &status)
	return status, out[:max(i, 0)]
}

// startNginx runs nginx in the foreground with the site configuration
// included in a minimal main file of its own.
func startNginx(t *testing.T, conf, addr string) *peer.Process {
	t.Helper()
	main := peer.NginxConfig{Dir: t.TempDir(), HTTP: "include " + quoteConf(conf) + ";"}
	if err := main.Write(); err != nil {
		t.Fatal(err)
	}
	return peertest.StartServer(t, exec.Command(peertest.Require(t, "nginx"), main.Args()...), addr)
}

// TestNewCRLAfterReload follows the kit's advice after a revocation: sign a
// new CRL over the kit's crl.pem and reload nginx; the person revoked is
// refused from then on.
func TestNewCRLAfterReload(t *testing.T) {
	peertest.Require(t, "curl")
	f := newFixture(t)
	listen := peertest.FreeAddr(t)
	kitDir := f.writeKit(t, Nginx, listen, backend(t))
	nginx := startNginx(t, filepath.Join(kitDir, Nginx.FileName()), listen)
	if status, body := f.connect(t, kitDir, listen, "Valid Vera"); status != 200 {
		t.Fatalf("before the revocation: %d\n%s", status, body)
	}
	old, _ := x509.ParseRevocationList(f.kit.CRL)
	vera, _ := pki.ParseCertificates(peertest.ReadFile(t, f.people["Valid Vera"][0]))
	entries := []pki.Revoked{{Serial: vera[0].SerialNumber, Time: time.Now(), Reason: 1}}
	for _, e := range old.RevokedCertificateEntries {
		entries = append(entries, pki.Revoked{Serial: e.SerialNumber, Time: e.RevocationTime, Reason: e.ReasonCode})
	}
	crl, err := f.authority.SignCRL(pki.CRLRequest{Number: big.NewInt(2), ThisUpdate: time.Now().Add(-time.Minute), NextUpdate: time.Now().Add(time.Hour), Entries: entries})
	if err != nil {
		t.Fatal(err)
	}
	if err := export.WriteFile(filepath.Join(kitDir, CRLFileName), pki.EncodeCRLPEM(crl), false, true); err != nil {
		t.Fatal(err)
	}
	if err := nginx.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, _ := f.connect(t, kitDir, listen, "Valid Vera")
		if status != 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("nginx still lets the revoked person in 10 s after the reload")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if status, body := f.connect(t, kitDir, listen, "Revoked Rick"); status == 200 {
		t.Errorf("the earlier revocation was lost:\n%s", body)
	}
}

// checkIdentity checks the X-Client-* headers the application received
// for Valid Vera: none forged, each in the format the file documents.
func (f *fixture) checkIdentity(t *testing.T, body string, want expectation) {
	t.Helper()
	serial := pki.SerialHex(f.vera.SerialNumber)
	if want.serialDecimal {
		serial = f.vera.SerialNumber.String()
	}
	sha1Sum, sha256Sum := sha1.Sum(f.vera.Raw), sha256.Sum256(f.vera.Raw)
	fingerprint := map[string]string{"sha1": hex.EncodeToString(sha1Sum[:]), "sha256": hex.EncodeToString(sha256Sum[:]), "": ""}[want.fingerprint]
	for header, value := range map[string]string{"X-Client-Verify": "SUCCESS", "X-Client-DN": "CN=Valid Vera",
		"X-Client-Serial": serial, "X-Client-Fingerprint": fingerprint} {
		if line := header + ": " + value + "\n"; !strings.Contains(body, line) {
			t.Errorf("the application did not receive %q:\n%s", strings.TrimSpace(line), body)
		}
	}
	if strings.Contains(strings.ToLower(body), "forged") {
		t.Errorf("a forged header reached the application:\n%s", body)
	}
}

// expectation says what a server does with a revoked certificate: most
// refuse it; Caddy reads no CRL, and Gunicorn before 21 ignores the
// ssl_context hook — both say so in the configuration's first lines.
type expectation struct {
	revokedRefused bool
	headers        bool // the application receives the X-Client-* headers
	// Formats that differ by server (each file's comments say which):
	serialDecimal bool   // Caddy writes the serial in decimal
	fingerprint   string // "sha1", "sha256", or "" when the server has none
}

// harness starts one server from its generated configuration and says
// what it is expected to do.
type harness func(t *testing.T, conf, addr string) expectation

// serverHarnesses start each server on loopback with exactly the
// generated configuration.
func serverHarnesses() map[Target]harness {
	return map[Target]harness{
		Nginx: func(t *testing.T, conf, addr string) expectation {
			startNginx(t, conf, addr)
			return expectation{revokedRefused: true, headers: true, fingerprint: "sha1"}
		},
		Apache: func(t *testing.T, conf, addr string) expectation {
			d := t.TempDir()
			os.Chmod(d, 0o755)
			mods := "/usr/lib/apache2/modules/"
			var b strings.Builder
			for _, m := range []string{"mpm_event", "authz_core", "ssl", "socache_shmcb", "headers", "proxy", "proxy_http"} {
				fmt.Fprintf(&b, "LoadModule %s_module %smod_%s.so\n", m, mods, m)
			}
			fmt.Fprintf(&b, "ServerName localhost\nPidFile %[1]s/httpd.pid\nErrorLog %[1]s/error.log\nDefaultRuntimeDir %[1]s\nMutex file:%[1]s default\n", d)
			if os.Geteuid() == 0 {
				b.WriteString("User nobody\nGroup nogroup\n")
			}
			fmt.Fprintf(&b, "Include %s\n", quoteConf(conf))
			os.WriteFile(filepath.Join(d, "httpd.conf"), []byte(b.String()), 0o644)
			peertest.StartServer(t, exec.Command(peertest.Require(t, "apache2"), "-f", filepath.Join(d, "httpd.conf"), "-DFOREGROUND"), addr)
			return expectation{revokedRefused: true, headers: true}
		},
		HAProxy: func(t *testing.T, conf, addr string) expectation {
			d := t.TempDir()
			body, _ := os.ReadFile(conf)
			cfg := "global\n    log stderr format raw local0 err\ndefaults\n    mode http\n    timeout connect 5s\n    timeout client 10s\n    timeout server 10s\n\n" + string(body)
			os.WriteFile(filepath.Join(d, "haproxy.cfg"), []byte(cfg), 0o600)
			peertest.StartServer(t, exec.Command(peertest.Require(t, "haproxy"), "-f", filepath.Join(d, "haproxy.cfg"), "-db"), addr)
			return expectation{revokedRefused: true, headers: true, fingerprint: "sha1"}
		},
		Caddy: func(t *testing.T, conf, addr string) expectation {
			d := t.TempDir()
			body, _ := os.ReadFile(conf)
			// Global options for a test: no admin endpoint, no port-80 redirect.
			cfg := "{\n\tadmin off\n\tauto_https disable_redirects\n}\n\n" + string(body)
			file := filepath.Join(d, "Caddyfile")
			os.WriteFile(file, []byte(cfg), 0o600)
			cmd := exec.Command(peertest.Require(t, "caddy"), "run", "--config", file, "--adapter", "caddyfile")
			cmd.Env = append(os.Environ(), "HOME="+d, "XDG_DATA_HOME="+d, "XDG_CONFIG_HOME="+d)
			peertest.StartServer(t, cmd, addr)
			return expectation{revokedRefused: false, headers: true, serialDecimal: true, fingerprint: "sha256"}
		},
		Python: func(t *testing.T, conf, addr string) expectation {
			peertest.StartServer(t, exec.Command(peertest.Require(t, "python3"), conf), addr)
			return expectation{revokedRefused: true}
		},
		Gunicorn: func(t *testing.T, conf, addr string) expectation {
			gunicorn := peertest.Require(t, "gunicorn")
			d := t.TempDir()
			app := "def app(environ, start_response):\n" +
				"    cert = environ['gunicorn.socket'].getpeercert()\n" +
				"    name = dict(x[0] for x in cert['subject'])['commonName']\n" +
				"    start_response('200 OK', [('Content-Type', 'text/plain')])\n" +
				"    return [('Hello, %s\\n' % name).encode()]\n"
			os.WriteFile(filepath.Join(d, "app.py"), []byte(app), 0o644)
			peertest.StartServer(t, exec.Command(gunicorn, "-c", conf, "--chdir", d, "--workers", "1", "app:app"), addr)
			version := peertest.Run(t, "gunicorn", "--version")
			var major int
			fmt.Sscanf(strings.TrimPrefix(strings.TrimSpace(version), "gunicorn (version "), "%d", &major)
			if major == 0 {
				t.Fatalf("cannot read gunicorn's version from %q", version)
			}
			return expectation{revokedRefused: major >= 21}
		},
		Go: func(t *testing.T, conf, addr string) expectation {
			goTool := peertest.Require(t, "go")
			d := t.TempDir()
			os.WriteFile(filepath.Join(d, "go.mod"), []byte("module mtlsserver\n\ngo 1.22\n"), 0o644)
			os.Rename(conf, filepath.Join(d, "main.go"))
			bin := filepath.Join(d, "server")
			build := exec.Command(goTool, "build", "-o", bin, ".")
			build.Dir = d
			build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod")
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("the generated Go server does not build: %v\n%s", err, out)
			}
			vet := exec.Command(goTool, "vet", ".")
			vet.Dir = d
			if out, err := vet.CombinedOutput(); err != nil {
				t.Errorf("go vet of the generated server: %v\n%s", err, out)
			}
			peertest.StartServer(t, exec.Command(bin), addr)
			return expectation{revokedRefused: true}
		},
	}
}

// realServerHarness starts target from conf, listening on addr.
func realServerHarness(t *testing.T, target Target, conf, addr string) {
	t.Helper()
	serverHarnesses()[target](t, conf, addr)
}

// TestRealServers starts each server on loopback with exactly the
// generated configuration, and connects with a valid, a revoked and a
// foreign certificate.
func TestRealServers(t *testing.T) {
	peertest.Require(t, "curl")
	f := newFixture(t)
	harnesses := serverHarnesses()
	for _, target := range Targets {
		t.Run(string(target), func(t *testing.T) {
			listen := peertest.FreeAddr(t)
			kitDir := f.writeKit(t, target, listen, backend(t))
			conf := filepath.Join(kitDir, target.FileName())
			text, _ := os.ReadFile(conf)
			want := harnesses[target](t, conf, listen)

			// The client tries to forge its identity; the server must overwrite it.
			status, body := f.connect(t, kitDir, listen, "Valid Vera", "-H", "X-Client-DN: CN=Forged Admin", "-H", "X-Client-Fingerprint: forged", "-H", "X-Client-Verify: forged")
			if status != 200 || !strings.Contains(body, "Valid Vera") {
				t.Fatalf("valid client: status %d\n%s", status, body)
			}
			if want.headers {
				f.checkIdentity(t, body, want)
			}
			if status, body := f.connect(t, kitDir, listen, "Foreign Fred"); status == 200 {
				t.Errorf("a certificate from another CA was let in:\n%s", body)
			}
			status, body = f.connect(t, kitDir, listen, "Revoked Rick")
			switch {
			case want.revokedRefused && status == 200:
				t.Errorf("a revoked certificate was let in:\n%s", body)
			case !want.revokedRefused && status != 200:
				t.Errorf("%s now refuses revoked certificates (status %d): update its configuration's comments and this test", target, status)
			case !want.revokedRefused && !strings.Contains(string(text), "lets a revoked certificate in") && !strings.Contains(string(text), "a revoked certificate is let in"):
				t.Errorf("%s lets revoked certificates in, and its configuration does not warn about it", target)
			}
			t.Logf("%s: valid → 200 (identity seen by the application), foreign refused, revoked refused: %v", target, want.revokedRefused)
		})
	}
}

// TestGunicornHook runs the configuration's ssl_context hook the way
// Gunicorn 21 and newer do, since the Gunicorn here (Debian 12's) is older:
// the context it returns must hold the CRL and check it.
func TestGunicornHook(t *testing.T) {
	f := newFixture(t)
	p := filepath.Join(f.writeKit(t, Gunicorn, "127.0.0.1:8443", "127.0.0.1:8080"), Gunicorn.FileName())
	script := `import runpy, ssl, sys
ns = runpy.run_path(sys.argv[1])
def factory():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    c.load_cert_chain(ns["certfile"], ns["keyfile"])
    c.verify_mode = ns["cert_reqs"]
    c.load_verify_locations(cafile=ns["ca_certs"])
    return c
c = ns["ssl_context"](None, factory)
assert c.verify_mode == ssl.CERT_REQUIRED, c.verify_mode
assert c.verify_flags & ssl.VERIFY_CRL_CHECK_LEAF, c.verify_flags
assert c.cert_store_stats() == {"x509": 1, "crl": 1, "x509_ca": 1}, c.cert_store_stats()
print("ok")
`
	if out := peertest.Run(t, "python3", "-c", script, p); strings.TrimSpace(out) != "ok" {
		t.Errorf("hook: %s", out)
	}
}

// TestConfigRefusesInjection: what a user types cannot add lines to a
// configuration.
func TestConfigRefusesInjection(t *testing.T) {
	good := Files{CAFile: "/k/ca.pem", CRLFile: "/k/crl.pem", ServerCert: "/k/s.pem", ServerKey: "/k/s.key", ServerBundle: "/k/b.pem",
		Listen: "0.0.0.0:8443", Backend: "127.0.0.1:8080", ServerName: "app.example.test"}
	tests := []struct {
		name string
		edit func(*Files)
		want string
	}{
		{"listen with a newline", func(f *Files) { f.Listen = "0.0.0.0:8443;\n  evil on" }, "listen address"},
		{"listen without port", func(f *Files) { f.Listen = "0.0.0.0" }, "not host:port"},
		{"port out of range", func(f *Files) { f.Listen = "0.0.0.0:70000" }, "between 1 and 65535"},
		{"backend with a space", func(f *Files) { f.Backend = "app server:80" }, "application address"},
		{"server name with a brace", func(f *Files) { f.ServerName = "a} evil {" }, "not a DNS name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, target := range Targets {
				f := good
				tt.edit(&f)
				if _, err := Config(target, f); err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s: %v, want %q", target, err, tt.want)
				}
			}
		})
	}
	for _, target := range Targets {
		if _, err := Config(target, good); err != nil {
			t.Errorf("%s: %v", target, err)
		}
	}
}

func TestParseTarget(t *testing.T) {
	for _, tt := range Targets {
		if got, err := ParseTarget(strings.ToUpper(string(tt))); err != nil || got != tt {
			t.Errorf("%s: %v %v", tt, got, err)
		}
	}
	if _, err := ParseTarget("iis"); err == nil {
		t.Error("iis accepted")
	}
}

// TestIntermediateCARefused: a kit for an intermediate CA is refused with
// the reason, instead of a configuration that trusts its whole root.
func TestIntermediateCARefused(t *testing.T) {
	f := newFixture(t)
	key, _ := pki.GenerateKey(pki.ECDSAP256)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "Team Intermediate"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, f.authority.Cert, key.Public(), f.authority.Key)
	if err != nil {
		t.Fatal(err)
	}
	kit := f.kit
	kit.CA, _ = x509.ParseCertificate(der)
	if _, err := WriteKit(t.TempDir(), kit, []Target{Nginx}, false); err == nil || !strings.Contains(err.Error(), "intermediate CA (issued by CN=Deploy CA)") {
		t.Errorf("intermediate CA: %v", err)
	}
	if _, err := WriteKit(t.TempDir(), f.kit, []Target{Nginx}, false); err != nil {
		t.Errorf("root CA: %v", err)
	}
}
