package engine

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"

	"certdesk/core/mtls"
	"certdesk/core/pki"
)

// TestServerName is the common name of the test server's certificate.
const TestServerName = "Certdesk test server"

// TrustReloadInterval is how often a running test server looks for changes
// to the vault made by any process.
const TrustReloadInterval = 250 * time.Millisecond

// ServerOptions say how to start the local test server.
type ServerOptions struct {
	// CA is the CA whose people are trusted and which issues the server's
	// certificate.
	CA CA
	// AlsoTrust are more CAs whose people the server lets in (trust-only
	// CAs among them).
	AlsoTrust []CA
	// Depth is the verify depth, as nginx's ssl_verify_depth (0: the
	// judge's default).
	Depth int
	Addr  string    // default mtls.DefaultAddr
	Mode  mtls.Mode // default explain
	// OnReloadError hears of failures to reload the trust (the old trust
	// stays in force); nil ignores them.
	OnReloadError func(error)
}

// TestServer is a running local test server that follows the vault: a
// revocation by any process applies to the next handshake.
type TestServer struct {
	*mtls.Server
	CA     CA
	cancel context.CancelFunc
	done   chan struct{}
}

// StartTestServer starts the local mTLS test server for one CA: its
// certificate (issued once, kept and reused), the CA's trust, and a loop
// that reloads the trust when the vault changes. The vault must be
// unlocked. Close stops it.
func (e *Engine) StartTestServer(ctx context.Context, opts ServerOptions) (*TestServer, error) {
	rec, err := e.EnsureTestServerCertificate(ctx, opts.CA)
	if err != nil {
		return nil, err
	}
	cert, err := e.TLSCertificate(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	source := e.TrustSource(append([]CA{opts.CA}, opts.AlsoTrust...)...).WithDepth(opts.Depth)
	trust, err := source.Trust(ctx)
	if err != nil {
		return nil, err
	}
	server, err := mtls.Start(mtls.Config{Addr: opts.Addr, Mode: opts.Mode, Certificate: *cert, Trust: trust})
	if err != nil {
		return nil, err
	}
	loopCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	ts := &TestServer{Server: server, CA: opts.CA, cancel: cancel, done: make(chan struct{})}
	changes := e.Changes(loopCtx)
	if changes != nil {
		go followChanges(loopCtx, changes, server, source, opts.OnReloadError)
	}
	go func() {
		defer close(ts.done)
		mtls.KeepTrustFresh(loopCtx, server, source, reloadInterval(changes), opts.OnReloadError)
	}()
	return ts, nil
}

// Close stops the server and its reload loop.
func (s *TestServer) Close() error {
	s.cancel()
	<-s.done
	return s.Server.Close()
}

// EnsureTestServerCertificate returns the CA's certificate for the local
// test server (localhost, 127.0.0.1, ::1; ECDSA P-256), issuing one when
// there is none still valid for at least a day, so it is kept and reused.
func (e *Engine) EnsureTestServerCertificate(ctx context.Context, ca CA) (Record, error) {
	now := e.Now()
	recs, err := e.store.List(ctx, Filter{CAID: ca.ID, Kind: KindServer, Search: TestServerName, Sort: SortNotAfter, Descending: true})
	if err != nil {
		return Record{}, err
	}
	for _, r := range recs {
		if r.CommonName == TestServerName && !r.Revoked() && r.HasKey && !r.NotBefore.After(now) && r.NotAfter.After(now.Add(24*time.Hour)) {
			return r, nil
		}
	}
	days := pki.DefaultLeafDays
	if left := int(ca.Cert.NotAfter.Sub(now).Hours() / 24); left < days {
		days = left
	}
	if days < 1 {
		return Record{}, fmt.Errorf("the CA %q expires within a day: it cannot issue the test server's certificate", ca.Name)
	}
	return e.store.IssueServer(ctx, ca, pki.ServerRequest{
		CommonName: TestServerName, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, Validity: pki.Validity{Days: days},
	})
}

// TLSCertificate loads a certificate with its key and intermediates, ready
// for a TLS server or client. The vault must be unlocked.
func (e *Engine) TLSCertificate(ctx context.Context, id int64) (*tls.Certificate, error) {
	h, err := e.holding(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &tls.Certificate{Certificate: [][]byte{h.cert.Raw}, PrivateKey: h.key, Leaf: h.cert}
	for _, c := range h.chain {
		if !bytes.Equal(c.RawSubject, c.RawIssuer) { // intermediates are sent, roots are not
			out.Certificate = append(out.Certificate, c.Raw)
		}
	}
	return out, nil
}
