package mtls

import (
	"crypto/x509"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certdesk/core/export"
	"certdesk/core/peer/peertest"
	"certdesk/core/pki"
	"certdesk/core/verdict"
)

// policyDir is where Chromium reads managed policies.
const policyDir = "/etc/chromium/policies/managed"

// visit is one page load a person makes, and what the page must say.
type visit struct {
	who     string
	verdict verdict.Code
	status  int
	// retries is how many more refused handshakes the visit may make:
	// Chromium sometimes retries a handshake the server refused, and each
	// try is a real refusal.
	retries int
}

// TestRealBrowser drives headless Chromium, with an NSS database per
// person and a certificate auto-selection policy, against the test
// server: Alice is let in, Bob (from a look-alike CA) is refused, a
// browser without a certificate is asked to import one, a reload after
// Alice's revocation is refused, optional mode welcomes the anonymous,
// and the server's events are exactly the visits, with no phantom
// refusal. Screenshots of each page, light and dark, are written to
// $CERTDESK_BROWSER_SCREENSHOTS (default: a folder in the temp dir).
func TestRealBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("real browser: not in -short")
	}
	chromium := peertest.Require(t, "chromium")
	certutil := peertest.Require(t, "certutil")
	peertest.Require(t, "pk12util")
	f := startFixture(t, Config{})
	port := f.server.Addr().String()
	port = port[strings.LastIndex(port, ":")+1:]
	url := "https://127.0.0.1:" + port + "/"
	installPolicy(t, "https://127.0.0.1:*") // any port: tests running at once write the same policy

	shots := os.Getenv("CERTDESK_BROWSER_SCREENSHOTS")
	if shots == "" {
		shots = filepath.Join(os.TempDir(), "certdesk-browser-screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	caPEM := filepath.Join(work, "ca.pem")
	if err := os.WriteFile(caPEM, pki.EncodeCertPEM(f.m.Root.Cert), 0o644); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	alice, err := f.m.Root.IssuePerson(pki.PersonRequest{Name: pki.Name{CommonName: "Alice"}, Emails: []string{"alice@example.com"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	bob, err := f.m.Lookalike.IssuePerson(pki.PersonRequest{Name: pki.Name{CommonName: "Bob"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	profile := func(name string, person *pki.Issued, chain ...*x509.Certificate) string {
		home := filepath.Join(work, name)
		db := "sql:" + filepath.Join(home, ".pki", "nssdb")
		os.MkdirAll(filepath.Join(home, ".pki", "nssdb"), 0o700)
		peertest.Run(t, certutil, "-N", "-d", db, "--empty-password")
		peertest.Run(t, certutil, "-A", "-n", "Certdesk test CA", "-t", "C,,", "-i", caPEM, "-d", db)
		if person != nil {
			p12, err := export.PKCS12(export.Material{Cert: person.Cert, Key: person.Key, Chain: chain}, export.Compatible, "test-password")
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(home, name+".p12")
			os.WriteFile(file, p12, 0o600)
			peertest.Run(t, "pk12util", "-i", file, "-d", db, "-W", "test-password")
		}
		return home
	}

	var visits []visit
	page := func(b *browser, text string, v visit, must ...string) {
		t.Helper()
		visits = append(visits, v)
		for _, m := range must {
			if !strings.Contains(text, m) {
				t.Errorf("%s's page lacks %q:\n%s", v.who, m, text)
			}
		}
		for _, never := range []string{"no_certificate:", "Access refused", "remote error"} {
			if strings.Contains(text, never) {
				t.Errorf("%s's page shows %q:\n%s", v.who, never, text)
			}
		}
	}
	shoot := func(b *browser, name string) {
		t.Helper()
		for _, scheme := range []string{"light", "dark"} {
			b.colorScheme(scheme)
			b.screenshot(filepath.Join(shots, name+"-"+scheme+".png"))
		}
		b.colorScheme("light")
	}

	// Alice: let in; revoked; reload; refused.
	b := startBrowser(t, chromium, profile("alice", alice, f.m.Root.Cert))
	page(b, b.navigate(url), visit{"Alice", verdict.OK, 200, 0}, "Welcome, Alice", "Signed by a CA this server trusts", "today is")
	shoot(b, "alice-let-in")
	f.server.SetTrust(f.m.Trust.With([]verdict.Change{{Issuer: f.m.Root.Cert, SerialHex: pki.SerialHex(alice.Cert.SerialNumber),
		Revoked: &verdict.Revocation{Reason: "keyCompromise", Time: time.Now()}}}))
	page(b, b.reload(), visit{"Alice", verdict.Revoked, 403, 0}, "Refused: your certificate has been revoked", "its private key may have been stolen")
	shoot(b, "alice-revoked")
	b.close()

	// Bob, from a look-alike CA of the same name: refused, both keys shown.
	b = startBrowser(t, chromium, profile("bob", bob))
	page(b, b.navigate(url), visit{"Bob", verdict.UnknownCA, 403, 0}, "not signed by a CA this server trusts", "look-alike", "the CA this server trusts")
	shoot(b, "bob-lookalike")
	b.narrow(400)
	b.screenshot(filepath.Join(shots, "bob-lookalike-narrow.png"))
	b.narrow(0)
	// In strict mode the server ends Bob's handshake: the browser shows its own error page.
	f.server.SetMode(Strict)
	text := b.reload()
	visits = append(visits, visit{"Bob", verdict.UnknownCA, 0, 1})
	if !strings.Contains(text, "ERR_BAD_SSL_CLIENT_AUTH_CERT") {
		t.Errorf("strict mode: Bob's browser shows:\n%s", text)
	}
	f.server.SetMode(Explain)
	b.close()

	// No certificate: asked to import; then optional mode welcomes the anonymous.
	b = startBrowser(t, chromium, profile("nobody", nil))
	page(b, b.navigate(url), visit{"nobody", verdict.NoCertificate, 400, 0}, "Your browser sent no certificate", "Import the .p12", "quit and reopen the browser", "Manage certificates")
	shoot(b, "no-certificate")
	f.server.SetMode(Optional)
	page(b, b.reload(), visit{"nobody", verdict.NoCertificate, 200, 0}, "Welcome, anonymous visitor", "optional mode")
	shoot(b, "optional-anonymous")
	b.close()

	checkEvents(t, f, visits)
	t.Logf("screenshots in %s", shots)
}

// checkEvents: apart from browser preconnects, the events are the visits,
// in order; no connection the server did not refuse reads as refused.
func checkEvents(t *testing.T, f *fixture, visits []visit) {
	t.Helper()
	var events []Event
	quiet := time.After(1500 * time.Millisecond)
collect:
	for {
		select {
		case e := <-f.sub.C:
			events = append(events, e)
		case <-quiet:
			break collect
		}
	}
	var real []Event
	preconnects := 0
	for _, e := range events {
		switch {
		case e.Preconnect:
			preconnects++
			if e.Outcome != PreconnectOutcome || e.Refused || strings.Contains(e.Summary, "refused") {
				t.Errorf("a preconnect reads as a refusal: %s", e.Summary)
			}
		default:
			real = append(real, e)
		}
	}
	var lines []string
	for _, e := range events {
		lines = append(lines, e.Text())
	}
	t.Logf("%d events for %d visits, %d of them browser preconnects:\n%s", len(events), len(visits), preconnects, strings.Join(lines, "\n"))
	for i, v := range visits {
		if len(real) == 0 {
			t.Fatalf("no event for visit %d (%s) and after", i+1, v.who)
		}
		want, path, refused := RefusedOutcome, "/", v.status == 0
		if v.status == 200 {
			want = LetIn
		}
		if refused {
			path = "" // the handshake ended before any request
		}
		matches := func(e Event) bool {
			return e.Verdict == v.verdict && e.HTTPStatus == v.status && e.Path == path && e.Outcome == want && e.Refused == refused
		}
		if e := real[0]; !matches(e) {
			t.Errorf("visit %d (%s, want %s %d): event %s %d %s %s", i+1, v.who, v.verdict, v.status, e.Verdict, e.HTTPStatus, e.Path, e.Outcome)
		}
		real = real[1:]
		for r := 0; r < v.retries && len(real) > 0 && refused && matches(real[0]); r++ {
			t.Logf("visit %d (%s): the browser retried the refused handshake", i+1, v.who)
			real = real[1:]
		}
	}
	for _, e := range real {
		t.Errorf("an event that is no visit: %s", e.Summary)
	}
}

// installPolicy makes Chromium pick a certificate for origin without a
// picker; the policy file is removed when the test ends.
func installPolicy(t *testing.T, origin string) {
	t.Helper()
	rule, _ := json.Marshal(map[string]any{"pattern": origin, "filter": map[string]any{}})
	policy, _ := json.Marshal(map[string]any{"AutoSelectCertificateForUrls": []string{string(rule)}})
	path := filepath.Join(policyDir, fmt.Sprintf("certdesk-test-%d.json", os.Getpid()))
	err := os.MkdirAll(policyDir, 0o755)
	if err == nil {
		err = os.WriteFile(path, policy, 0o644)
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cannot write Chromium's certificate policy (run as root in CI): %v", err)
		}
		t.Skipf("cannot write Chromium's certificate policy (needs root): %v", err)
	}
	t.Cleanup(func() { os.Remove(path) })
}
