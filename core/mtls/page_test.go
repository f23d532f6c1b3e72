package mtls

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"certdesk/core/pki"
	"certdesk/core/plain"
)

func fetchPage(t *testing.T, f *fixture, cert *tls.Certificate) (int, string) {
	t.Helper()
	cfg := &tls.Config{InsecureSkipVerify: true} //nolint:gosec // our own test server
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg, DisableKeepAlives: true}, Timeout: 10 * time.Second}
	resp, err := client.Get("https://" + f.server.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	f.nextEvent(t)
	return resp.StatusCode, string(body)
}

func TestPage(t *testing.T) {
	f := startFixture(t, Config{})
	status, body := fetchPage(t, f, f.clientCert(f.m.Cases[0]))
	if status != 200 || !strings.Contains(body, "Welcome, Valid Person") || !strings.Contains(strings.ReplaceAll(body, ":<wbr>", ":"), pki.FingerprintSHA256(f.m.Cases[0].Chain[0])) {
		t.Errorf("valid: %d\n%s", status, body)
	}
	status, body = fetchPage(t, f, nil)
	if status != 400 || !strings.Contains(body, "Your browser sent no certificate") || !strings.Contains(body, "quit and reopen the browser") || strings.Contains(body, "Access refused") {
		t.Errorf("none: %d\n%s", status, body)
	}
	expired := f.m.Named("expired")
	status, body = fetchPage(t, f, f.clientCert(expired))
	if status != 403 || !strings.Contains(body, "Refused: your certificate has expired") || !strings.Contains(body, "Ask your admin for a new certificate") ||
		!strings.Contains(body, "today is "+plain.Date(time.Now())) {
		t.Errorf("expired: %d\n%s", status, body)
	}

	// Certificate text is escaped: a name cannot inject markup.
	key, _ := pki.GenerateKey(pki.ECDSAP256)
	serial, _ := pki.NewSerial()
	der, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: `<script>alert("x")</script>`},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}, f.m.Root.Cert, key.Public(), f.m.Root.Key)
	if err != nil {
		t.Fatal(err)
	}
	status, body = fetchPage(t, f, &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key})
	if status != 200 || strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") {
		t.Errorf("markup in a name was not escaped: %d\n%s", status, body)
	}
}

// TestFavicon: the page names its icon inline (no extra request, so no
// extra event per visit), and /favicon.ico serves the same icon.
func TestFavicon(t *testing.T) {
	f := startFixture(t, Config{})
	_, body := fetchPage(t, f, f.clientCert(f.m.Cases[0]))
	if !strings.Contains(body, `rel="icon"`) || !strings.Contains(body, "data:image/svg+xml,") {
		t.Errorf("the page names no inline icon")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, Timeout: 10 * time.Second} //nolint:gosec // our test server
	resp, err := client.Get("https://" + f.server.Addr().String() + "/favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	icon, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(string(icon), "<svg") {
		t.Errorf("/favicon.ico: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), icon)
	}
	if e := f.nextEvent(t); e.Path != "/favicon.ico" || e.Outcome != RefusedOutcome { // no certificate, explain mode
		t.Errorf("favicon event %+v", e.Summary)
	}
}
