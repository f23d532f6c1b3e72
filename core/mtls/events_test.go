package mtls

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"certdesk/core/pki"
	"certdesk/core/verdict"
)

// TestBrowserTrueEvents: connections a client drops before asking for
// anything are preconnects, never refusals; a client that does not trust
// the server is told so in plain words.
func TestBrowserTrueEvents(t *testing.T) {
	f := startFixture(t, Config{})
	addr := f.server.Addr().String()
	roots := x509.NewCertPool()
	roots.AddCert(f.m.Root.Cert)
	valid := f.clientCert(f.m.Named("valid"))
	tests := []struct {
		name    string
		connect func(t *testing.T)
		outcome Outcome
		step    int // the checklist step that is not plainly passed
		state   StepState
		words   string
	}{
		{"TCP opened and closed", func(t *testing.T) {
			c := dial(t, addr)
			c.Close()
		}, PreconnectOutcome, stepServer, StepInfo, "closed it before saying anything"},
		{"gives up at the certificate request", func(t *testing.T) {
			raw := dial(t, addr)
			c := tls.Client(raw, &tls.Config{RootCAs: roots, ServerName: "localhost",
				GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
					raw.Close() // what Chromium does with a spare connection
					return nil, errors.New("spare connection dropped")
				}})
			c.Handshake()
		}, PreconnectOutcome, stepAsked, StepInfo, "at the certificate request"},
		{"idle spare closes after its handshake", func(t *testing.T) {
			c := tlsDial(t, addr, &tls.Config{RootCAs: roots, ServerName: "localhost", Certificates: []tls.Certificate{*valid}})
			c.Close()
		}, PreconnectOutcome, stepAsked, StepInfo, "without asking for a page"},
		{"client does not trust the server", func(t *testing.T) {
			raw := dial(t, addr)
			tls.Client(raw, &tls.Config{RootCAs: x509.NewCertPool(), ServerName: "localhost"}).Handshake()
			raw.Close()
		}, FailedOutcome, stepServer, StepFailed, "does not trust this server's certificate: add ca.pem"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.connect(t)
			e := f.nextEvent(t)
			if e.Outcome != tc.outcome || e.Refused || e.Preconnect != (tc.outcome == PreconnectOutcome) {
				t.Fatalf("event outcome %s refused=%v preconnect=%v: %s", e.Outcome, e.Refused, e.Preconnect, e.Summary)
			}
			if strings.Contains(e.Summary, "refused:") {
				t.Errorf("summary reads as a refusal: %s", e.Summary)
			}
			s := e.Checklist.Steps[tc.step]
			if s.State != tc.state || !strings.Contains(s.Detail, tc.words) {
				t.Errorf("step %q: %s %q, want %s with %q", s.Title, s.State, s.Detail, tc.state, tc.words)
			}
		})
	}
}

// TestRequestJudgedAfresh: a request on a connection whose handshake
// came before a revocation is judged against the trust of the request,
// and pages tell the browser to reconnect for the next one.
func TestRequestJudgedAfresh(t *testing.T) {
	f := startFixture(t, Config{})
	c := f.m.Named("valid")
	conn := tlsDial(t, f.server.Addr().String(), &tls.Config{InsecureSkipVerify: true, Certificates: []tls.Certificate{*f.clientCert(c)}}) //nolint:gosec // our test server
	defer conn.Close()
	f.server.SetTrust(f.m.Trust.With([]verdict.Change{{Issuer: f.m.Root.Cert, SerialHex: pki.SerialHex(c.Certs[0].SerialNumber),
		Revoked: &verdict.Revocation{Reason: "keyCompromise", Time: time.Now()}}}))
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	conn.Write([]byte("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || !resp.Close {
		t.Errorf("status %d, Connection: close %v", resp.StatusCode, resp.Close)
	}
	e := f.nextEvent(t)
	if e.Verdict != verdict.Revoked || e.Outcome != RefusedOutcome || e.Checklist.Failed != stepRevoked {
		t.Errorf("event %s %s failed step %d: %s", e.Verdict, e.Outcome, e.Checklist.Failed, e.Summary)
	}
	select {
	case extra := <-f.sub.C:
		t.Errorf("a second event for one request: %s", extra.Summary)
	case <-time.After(200 * time.Millisecond):
	}
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return c
}

func tlsDial(t *testing.T, addr string, cfg *tls.Config) *tls.Conn {
	t.Helper()
	c := tls.Client(dial(t, addr), cfg)
	if err := c.Handshake(); err != nil {
		t.Fatal(err)
	}
	return c
}
