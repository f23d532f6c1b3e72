package mtls

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"certdesk/core/pki"
	"certdesk/core/verdict"
	"certdesk/core/verdict/verdicttest"
)

type fixture struct {
	m      *verdicttest.Matrix
	server *Server
	sub    *Subscription
}

func startFixture(t testing.TB, cfg Config) *fixture {
	t.Helper()
	m := verdicttest.MustBuild(t, time.Now())
	issued, err := m.Root.IssueServer(pki.ServerRequest{DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = "127.0.0.1:0"
	cfg.Certificate = tls.Certificate{Certificate: [][]byte{issued.Cert.Raw}, PrivateKey: issued.Key, Leaf: issued.Cert}
	cfg.Trust = m.Trust
	s, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	sub, _ := s.Events().Subscribe(10000)
	return &fixture{m: m, server: s, sub: sub}
}

func (f *fixture) clientCert(c verdicttest.Case) *tls.Certificate {
	if len(c.Chain) == 0 {
		return nil
	}
	cert := &tls.Certificate{Certificate: c.Chain, PrivateKey: c.Key}
	if c.Key == nil { // unparseable input: present it with some key
		k, _ := pki.GenerateKey(pki.ECDSAP256)
		cert.PrivateKey = k
	}
	return cert
}

func (f *fixture) nextEvent(t testing.TB) Event {
	t.Helper()
	select {
	case e := <-f.sub.C:
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no event arrived")
	}
	return Event{}
}

// expectation for one case in one mode.
func expect(mode Mode, c verdicttest.Case) (status int, refused bool) {
	primary := c.Want[0]
	switch {
	case primary == verdict.Malformed:
		return 0, true // Go cannot parse it: the handshake fails in every mode
	case primary == verdict.OK:
		return 200, false
	case mode == Explain && primary == verdict.NoCertificate:
		return 400, false
	case mode == Explain:
		return 403, false
	case mode == Optional && primary == verdict.NoCertificate:
		return 200, false
	}
	return 0, true
}

func TestModesOverTheMatrix(t *testing.T) {
	f := startFixture(t, Config{})
	for _, mode := range Modes {
		f.server.SetMode(mode)
		for _, c := range f.m.Cases {
			t.Run(string(mode)+"/"+c.Name, func(t *testing.T) {
				res, err := Try(context.Background(), f.server.Addr().String(), TryOptions{Certificate: f.clientCert(c)})
				if err != nil {
					t.Fatal(err)
				}
				wantStatus, wantRefused := expect(mode, c)
				e := f.nextEvent(t)
				if res.HTTPStatus != wantStatus || (res.WhoAmI == nil) != wantRefused {
					t.Fatalf("client saw %s; want status %d refused=%v", res.Summary(), wantStatus, wantRefused)
				}
				if e.HTTPStatus != wantStatus || e.Mode != mode || e.Remote == "" || e.Time.IsZero() {
					t.Errorf("event status %d mode %s remote %q", e.HTTPStatus, e.Mode, e.Remote)
				}
				if c.Want[0] == verdict.Malformed {
					if e.Verdict != verdict.Malformed || e.Error == "" {
						t.Errorf("event %+v", e.Result)
					}
					return
				}
				// nginx_verify is nginx's own last error; core/verdict checks it against a real nginx.
				if !slices.Equal(e.Reasons, c.Want) || e.Verdict != c.Want[0] || (e.NginxVerify == "SUCCESS") != (e.Verdict == verdict.OK) {
					t.Errorf("event reasons %v, want %v", e.Reasons, c.Want)
				}
				if e.Refused != wantRefused {
					t.Errorf("event refused=%v, want %v", e.Refused, wantRefused)
				}
				if !wantRefused && (e.TLSVersion != "TLS 1.3" || e.Cipher == "" || e.Path != "/api/whoami") {
					t.Errorf("event TLS %q cipher %q path %q", e.TLSVersion, e.Cipher, e.Path)
				}
				if len(c.Certs) > 0 {
					if e.Info == nil || e.FingerprintSHA256 != pki.FingerprintSHA256(c.Certs[0].Raw) || e.CommonName != c.Certs[0].Subject.CommonName {
						t.Errorf("event identity %+v", e.Info)
					}
				}
				if res.WhoAmI != nil && (res.WhoAmI.Verdict != c.Want[0] || !slices.Equal(res.WhoAmI.Reasons, c.Want)) {
					t.Errorf("whoami verdict %s reasons %v", res.WhoAmI.Verdict, res.WhoAmI.Reasons)
				}
			})
		}
	}
}

func TestRevocationAppliesToTheNextHandshake(t *testing.T) {
	f := startFixture(t, Config{})
	valid := f.m.Cases[0]
	res, err := Try(context.Background(), f.server.Addr().String(), TryOptions{Certificate: f.clientCert(valid)})
	if err != nil || res.HTTPStatus != 200 {
		t.Fatalf("before: %v %v", res.Summary(), err)
	}
	trust := verdict.NewTrust([]*x509.Certificate{f.m.Root.Cert})
	trust.RevokeSerial(f.m.Root.Cert, pki.SerialHex(valid.Certs[0].SerialNumber), verdict.Revocation{Reason: "keyCompromise", Time: time.Now()})
	f.server.SetTrust(trust)
	res, err = Try(context.Background(), f.server.Addr().String(), TryOptions{Certificate: f.clientCert(valid)})
	if err != nil || res.HTTPStatus != 403 || res.WhoAmI.Verdict != verdict.Revoked {
		t.Fatalf("after revoke: %v %v", res.Summary(), err)
	}
}

func TestNotTLSAndHistory(t *testing.T) {
	f := startFixture(t, Config{History: 3})
	conn, err := net.Dial("tcp", f.server.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	buf := make([]byte, 512)
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _ := conn.Read(buf)
	conn.Close()
	if !strings.Contains(string(buf[:n]), "400 Bad Request") || !strings.Contains(string(buf[:n]), "https://") {
		t.Errorf("plain HTTP answer: %q", buf[:n])
	}
	e := f.nextEvent(t)
	if e.Verdict != verdict.NotTLS || e.HTTPStatus != 400 || !strings.Contains(e.Error, "plain HTTP") {
		t.Errorf("event %+v", e)
	}
	for range 4 {
		c, _ := net.Dial("tcp", f.server.Addr().String())
		c.Write([]byte{0x00, 0x01, 0x02})
		c.Close()
		f.nextEvent(t)
	}
	hist := f.server.Events().History()
	if len(hist) != 3 || hist[2].Seq != 5 || hist[0].Seq != 3 {
		t.Errorf("history of 3: %d events, seqs %v..%v", len(hist), hist[0].Seq, hist[len(hist)-1].Seq)
	}
}
