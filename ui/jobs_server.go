package ui

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"

	"certdesk/core/mtls"
	"certdesk/core/vault"
	"certdesk/core/verdict"
)

// liveServer is a running test server and what belongs to it.
type liveServer struct {
	server *mtls.Server
	ca     vault.CA
	trust  *vault.TrustSource
	files  string // the private folder of the try-it files
}

// startServer issues (or reuses) the test server's certificate, decrypts
// its key, builds the trust for ca and starts listening on addr.
func (j jobs) startServer(ca vault.CA, addr string, mode mtls.Mode) (*liveServer, error) {
	rec, err := j.v.TestServerCertificate(j.ctx, ca)
	if err != nil {
		return nil, err
	}
	cert, err := j.v.TLSCertificate(j.ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	source := vault.NewTrustSource(j.v, ca)
	trust, err := source.Trust(j.ctx)
	if err != nil {
		return nil, err
	}
	files, err := makeTryFolder()
	if err != nil {
		return nil, err
	}
	server, err := mtls.Start(mtls.Config{Addr: addr, Mode: mode, Certificate: *cert, Trust: trust})
	if err != nil {
		removeTryFolder(files)
		return nil, err
	}
	return &liveServer{server: server, ca: ca, trust: source, files: files}, nil
}

// stopServer closes the server (it waits for its connections) and removes
// the try-it files.
func stopServer(l *liveServer) {
	l.server.Close()
	removeTryFolder(l.files)
}

// tryRequest is one connection the try-it panel makes.
type tryRequest struct {
	mode   tryMode
	addr   string
	ca     vault.CA
	as     vault.Record // for tryAsChosen
	asName string
}

// tryOutcome is what one try saw, in words.
type tryOutcome struct {
	label    string // who we connected as
	accepted bool
	summary  string
	err      error
}

// connect builds the client side of a try (the server's CA pool, the
// chosen certificate or a look-alike) and connects.
func (j jobs) connect(req tryRequest) tryOutcome {
	out := tryOutcome{label: req.mode.label(req)}
	caCert, err := j.v.Certificate(j.ctx, req.ca.CertID)
	if err != nil {
		out.err = fmt.Errorf("reading the CA: %w", err)
		return out
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	opts := mtls.TryOptions{ServerCAs: pool}
	if opts.Certificate, err = j.clientCertificate(req, caCert); err != nil {
		out.err = err
		return out
	}
	res, err := mtls.Try(j.ctx, req.addr, opts)
	if err != nil {
		out.err = err
		return out
	}
	out.summary = res.Summary()
	out.accepted = res.WhoAmI != nil && res.WhoAmI.Verdict == verdict.OK
	return out
}

// clientCertificate is what a try presents: nil for none.
func (j jobs) clientCertificate(req tryRequest, caCert *x509.Certificate) (*tls.Certificate, error) {
	switch req.mode {
	case tryAsChosen:
		return j.v.TLSCertificate(j.ctx, req.as.ID)
	case tryLookalike:
		return mtls.LookalikeCertificate(caCert, j.now())
	}
	return nil, nil
}
