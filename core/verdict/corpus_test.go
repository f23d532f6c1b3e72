package verdict_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"certdesk/core/peer/peertest"
	"certdesk/core/verdict"
)

// corpusDifferences are the scenarios where Certdesk deliberately does
// not say what nginx says, and why. The README lists them too.
var corpusDifferences = map[string]string{
	"garbage instead of a certificate": "not presentable: OpenSSL cannot read the bytes, so the TLS handshake fails before nginx sets $ssl_client_verify; Certdesk says malformed",
	"truncated certificate":            "not presentable, as above",
	"denied by fingerprint":            "nginx has no fingerprint deny-list: Certdesk refuses certificates from elsewhere by their SHA-256 fingerprint and says FAILED:certificate revoked",
	"trailing bytes after the certificate": "not presentable: OpenSSL refuses a certificate whose encoding does not fill its TLS length (the handshake fails); " +
		"`openssl verify` reads the PEM and ignores the tail; Certdesk says malformed",
}

// corpusResult is what the three judges said about one scenario.
type corpusResult struct {
	ours     verdict.Result
	openssl  bool   // openssl verify said OK
	osslOut  string // its output
	nginx    string // $ssl_client_verify, or "" when the handshake failed
	nginxErr error
}

// TestCorpus judges a generated corpus of certificates from elsewhere by
// our judge, by `openssl verify -purpose sslclient -auth_level 2` and by a
// real nginx with the deploy kit's settings (ssl_verify_client on,
// ssl_client_certificate, ssl_crl, ssl_verify_depth), and asserts equal
// decisions and equal $ssl_client_verify, except corpusDifferences.
func TestCorpus(t *testing.T) {
	peertest.Require(t, "openssl")
	start := time.Now()
	now := time.Now()
	w := buildCorpus(now)
	if len(w.scenarios) < 150 {
		t.Fatalf("corpus has %d scenarios, want at least 150", len(w.scenarios))
	}
	dir := t.TempDir()
	files := writeProfiles(t, dir, w)
	ports := startCorpusNginx(t, dir, files)
	built := time.Since(start)

	results := make([]corpusResult, len(w.scenarios))
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				s := w.scenarios[i]
				r := &results[i]
				r.ours = verdict.Judge(s.presented(), files[s.prof].trust, time.Now())
				r.openssl, r.osslOut = opensslVerify(t, dir, i, s, files[s.prof])
				r.nginx, r.nginxErr = askNginx(ports[s.prof], s)
			}
		}()
	}
	for i := range w.scenarios {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	type tally struct{ n, ossl, nginx, deliberate int }
	byCat := map[string]*tally{}
	var cats []string
	for i, s := range w.scenarios {
		r := results[i]
		tl := byCat[s.cat]
		if tl == nil {
			tl = &tally{}
			byCat[s.cat] = tl
			cats = append(cats, s.cat)
		}
		tl.n++
		allowed := r.ours.Verdict == verdict.OK
		nginxOK := r.nginx == "SUCCESS"
		why, deliberate := corpusDifferences[s.name]
		if deliberate {
			checkSentences(t, s, r.ours)
			tl.deliberate++
			t.Logf("deliberate  %-52s ours %-48s nginx %q (%s)", s.name, r.ours.NginxVerify, r.nginx, why)
			continue
		}
		if allowed == r.openssl {
			tl.ossl++
		} else {
			t.Errorf("%s / %s: we decide allowed=%v (%s: %s), openssl verify says %q", s.cat, s.name, allowed, r.ours.Verdict, r.ours.Explanation, strings.TrimSpace(r.osslOut))
		}
		if r.nginx == r.ours.NginxVerify && allowed == nginxOK {
			tl.nginx++
		} else {
			t.Errorf("%s / %s: nginx says %q (%v), we say %q (%s: %s)", s.cat, s.name, r.nginx, r.nginxErr, r.ours.NginxVerify, r.ours.Verdict, strings.Join(r.ours.Details, " | "))
		}
		checkSentences(t, s, r.ours)
	}
	var goRefuses []string
	for _, s := range w.scenarios {
		for _, d := range s.presented() {
			if _, err := x509.ParseCertificate(d); err != nil && s.raw == nil {
				goRefuses = append(goRefuses, s.name)
				break
			}
		}
	}
	t.Logf("%d scenarios carry a certificate Go's crypto/x509 refuses (and so Go's TLS stack): %s", len(goRefuses), strings.Join(goRefuses, "; "))
	total := tally{}
	t.Logf("%-20s %6s %10s %10s %11s", "category", "cases", "=openssl", "=nginx", "deliberate")
	for _, c := range cats {
		tl := byCat[c]
		t.Logf("%-20s %6d %10d %10d %11d", c, tl.n, tl.ossl, tl.nginx, tl.deliberate)
		total.n, total.ossl, total.nginx, total.deliberate = total.n+tl.n, total.ossl+tl.ossl, total.nginx+tl.nginx, total.deliberate+tl.deliberate
	}
	t.Logf("%-20s %6d %10d %10d %11d", "total", total.n, total.ossl, total.nginx, total.deliberate)
	t.Logf("corpus built in %s, judged three ways in %s", built.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

// corpusPhrases: what the primary explanation must say for some scenarios.
var corpusPhrases = map[string]string{
	"intermediate trusted without its root":  "the root that issued it",
	"anyExtendedKeyUsage only":               "only anyExtendedKeyUsage",
	"empty EKU":                              "extension is empty",
	"Netscape type SSL server only":          "Netscape certificate type",
	"second same-name root, no AKI":          "same name",
	"DNS SAN outside permitted .example.com": "name constraints",
	"host-like CN outside, no SAN":           "name constraints",
	"RSA 1024 leaf":                          "RSA 1024",
	"SHA-1 signed leaf (ECDSA)":              "SHA-1",
	"MD5 signed leaf":                        "MD5",
	"unknown critical extension":             "1.3.6.1.4.1.99999.1",
	"expired CRL":                            "CRL",
	"no CRL for the intermediate":            "No CRL from",
	"1 intermediate at depth 0":              "verify depth",
	"intermediate with CA:FALSE":             "CA:FALSE",
	"v1 intermediate":                        "version 1",
	"CA under pathLen 0 intermediate":        "pathLenConstraint",
	"UTCTime without seconds":                "notBefore",
	"empty key usage":                        "empty key usage",
	"intermediate restricted to serverAuth":  "without clientAuth",
	"intermediate not sent":                  "was not sent",
	"chain ending in an untrusted root":      "self-signed root",
	"EC leaf with explicit curve parameters": "explicit curve parameters",
	"intermediate revoked":                   "revoked",
	"denied by fingerprint":                  "revoked",
}

// checkSentences holds the explanation to the truth: a look-alike only
// where there is one, and one sentence per reason.
func checkSentences(t *testing.T, s scenario, r verdict.Result) {
	t.Helper()
	says := strings.Contains(strings.Join(r.Details, " "), "look-alike")
	if says != s.lookalike {
		t.Errorf("%s: look-alike sentence %v, want %v: %s", s.name, says, s.lookalike, strings.Join(r.Details, " | "))
	}
	if want, ok := corpusPhrases[s.name]; ok && !strings.Contains(r.Explanation, want) {
		t.Errorf("%s: explanation %q lacks %q", s.name, r.Explanation, want)
	}
	if r.Explanation == "" || len(r.Details) < len(r.Reasons) || r.Reasons[0] != r.Verdict {
		t.Errorf("%s: result %+v", s.name, r)
	}
}

// profileFiles are one profile's files and our trust built from them.
type profileFiles struct {
	ca, crl string
	trust   *verdict.Trust
	depth   int
}

func pemOf(kind string, ders ...[]byte) []byte {
	var out []byte
	for _, d := range ders {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: d})...)
	}
	return out
}

func writeProfiles(t *testing.T, dir string, w *world) map[*profile]profileFiles {
	t.Helper()
	files := map[*profile]profileFiles{}
	for _, s := range w.scenarios {
		p := s.prof
		if _, ok := files[p]; ok {
			continue
		}
		n := len(files)
		f := profileFiles{ca: filepath.Join(dir, fmt.Sprintf("ca%d.pem", n)), depth: p.depth}
		var cas [][]byte
		for _, c := range p.cas {
			cas = append(cas, c.der)
		}
		mustWrite(t, f.ca, pemOf("CERTIFICATE", cas...))
		if len(p.crls) > 0 {
			f.crl = filepath.Join(dir, fmt.Sprintf("crl%d.pem", n))
			mustWrite(t, f.crl, pemOf("X509 CRL", p.crls...))
		}
		trust, err := verdict.LoadTrust(pemOf("CERTIFICATE", cas...), pemOf("X509 CRL", p.crls...), p.depth)
		if err != nil {
			t.Fatalf("trust of %s: %v", s.name, err)
		}
		for _, d := range p.deny {
			sum := sha256.Sum256(d)
			if err := trust.RevokeFingerprint(hex.EncodeToString(sum[:]), verdict.Revocation{Reason: "keyCompromise"}); err != nil {
				t.Fatal(err)
			}
		}
		f.trust = trust
		files[p] = f
	}
	return files
}

func mustWrite(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// opensslVerify asks `openssl verify` as nginx would verify: purpose
// sslclient, security level 2, the profile's depth and CRLs.
func opensslVerify(t *testing.T, dir string, i int, s scenario, f profileFiles) (bool, string) {
	chain := s.presented()
	leaf := filepath.Join(dir, fmt.Sprintf("leaf%d.pem", i))
	mustWrite(t, leaf, pemOf("CERTIFICATE", chain[0]))
	args := []string{"verify", "-purpose", "sslclient", "-auth_level", "2", "-verify_depth", fmt.Sprint(f.depth), "-CAfile", f.ca}
	if len(chain) > 1 {
		u := filepath.Join(dir, fmt.Sprintf("untrusted%d.pem", i))
		mustWrite(t, u, pemOf("CERTIFICATE", chain[1:]...))
		args = append(args, "-untrusted", u)
	}
	if f.crl != "" {
		args = append(args, "-crl_check_all", "-CRLfile", f.crl)
	}
	args = append(args, leaf)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "openssl", args...).CombinedOutput()
	return err == nil && strings.Contains(string(out), ": OK"), string(out)
}

// startCorpusNginx runs one nginx with a server block per profile.
func startCorpusNginx(t *testing.T, dir string, files map[*profile]profileFiles) map[*profile]int {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmplSrv := &x509.Certificate{SerialNumber: bigOne(), DNSNames: []string{"localhost"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	srvDER, err := x509.CreateCertificate(rand.Reader, tmplSrv, tmplSrv, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	srvCert, srvKey := filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key")
	mustWrite(t, srvCert, pemOf("CERTIFICATE", srvDER))
	mustWrite(t, srvKey, pemOf("PRIVATE KEY", keyDER))
	ports := map[*profile]int{}
	var blocks strings.Builder
	var list []int
	profs := make([]*profile, 0, len(files))
	for p := range files {
		profs = append(profs, p)
	}
	sort.Slice(profs, func(i, j int) bool { return files[profs[i]].ca < files[profs[j]].ca })
	used := map[int]bool{}
	for _, p := range profs {
		f := files[p]
		port := freePort(t)
		for used[port] {
			port = freePort(t)
		}
		used[port] = true
		ports[p] = port
		list = append(list, port)
		crl := ""
		if f.crl != "" {
			crl = "ssl_crl " + f.crl + ";"
		}
		fmt.Fprintf(&blocks, `server {
		listen 127.0.0.1:%d ssl;
		ssl_certificate %s;
		ssl_certificate_key %s;
		ssl_client_certificate %s;
		ssl_verify_client on;
		ssl_verify_depth %d;
		%s
		ssl_session_tickets off;
		error_page 495 496 = @verify;
		location / { return 200 "$ssl_client_verify"; }
		location @verify { return 200 "$ssl_client_verify"; }
	}
	`, port, srvCert, srvKey, f.ca, f.depth, crl)
	}
	runNginx(t, dir, blocks.String(), list)
	return ports
}

// askNginx presents the scenario's chain with a Go TLS client and reads
// $ssl_client_verify back.
func askNginx(port int, s scenario) (string, error) {
	chain := s.presented()
	var key any
	if len(s.chain) > 0 {
		key = s.chain[0].key.signer
	} else {
		key, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	cfg := &tls.Config{InsecureSkipVerify: true, GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
		return &tls.Certificate{Certificate: chain, PrivateKey: key}, nil
	}}
	d := &net.Dialer{Timeout: 5 * time.Second}
	conn, err := tls.DialWithDialer(d, "tcp", fmt.Sprintf("127.0.0.1:%d", port), cfg)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n"); err != nil {
		return "", err
	}
	resp, err := io.ReadAll(bufio.NewReader(conn))
	if err != nil && len(resp) == 0 {
		return "", err
	}
	_, body, ok := strings.Cut(string(resp), "\r\n\r\n")
	if !ok {
		return "", fmt.Errorf("no HTTP response: %q", resp)
	}
	return body, nil
}

func bigOne() *big.Int { return big.NewInt(1) }
