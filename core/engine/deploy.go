package engine

import (
	"context"
	"fmt"
	"time"

	"certdesk/core/deploy"
	"certdesk/core/pki"
)

// DeployRequest says what a deployment kit is for: the CA whose people a
// real server lets in, the servers to write configuration for, the folder,
// and which server certificate the kit carries.
type DeployRequest struct {
	CA      CA
	Dir     string
	Servers []deploy.Target
	// Replace allows writing over the files of an earlier kit.
	Replace bool
	// Listen and Backend are the addresses the servers' configurations use.
	Listen, Backend string
	// ServerID is a server certificate in the vault, issued by the CA, with
	// its key. Zero issues a new one for Request.
	ServerID int64
	Request  pki.ServerRequest
	// CRLValidity is how long the kit's fresh CRL stays valid (default 30 days).
	CRLValidity time.Duration
}

// Deploy writes a kit that configures real servers to check the CA's client
// certificates: the CA certificate, a freshly signed CRL, a server
// certificate with its chain and key, and one configuration per server.
// The folder is checked and made first, so a folder that cannot be used
// leaves the vault unchanged.
func (e *Engine) Deploy(ctx context.Context, req DeployRequest) (Deployed, error) {
	if err := deploy.CheckAddresses(req.Listen, req.Backend); err != nil {
		return Deployed{}, &UnchangedError{err}
	}
	if err := deploy.PrepareFolder(req.Dir, req.Servers, req.Replace); err != nil {
		return Deployed{}, &UnchangedError{err}
	}
	kit, err := e.gatherKit(ctx, req)
	if err != nil {
		return Deployed{}, err
	}
	kit.Listen, kit.Backend = req.Listen, req.Backend
	files, err := deploy.WriteKit(req.Dir, kit, req.Servers, req.Replace)
	if err != nil {
		return Deployed{}, err
	}
	return Deployed{Files: files, ServerName: kit.ServerName}, nil
}

// Deployed is what Deploy wrote.
type Deployed struct {
	Files      []string
	ServerName string // the name clients reach the servers by
}

// gatherKit reads or issues what the kit carries.
func (e *Engine) gatherKit(ctx context.Context, req DeployRequest) (deploy.Kit, error) {
	v := e.store
	caCert, err := v.Certificate(ctx, req.CA.CertID)
	if err != nil {
		return deploy.Kit{}, err
	}
	issuers, issuerCRLs, err := e.kitIssuers(ctx, req)
	if err != nil {
		return deploy.Kit{}, err
	}
	rec, err := e.kitServer(ctx, req)
	if err != nil {
		return deploy.Kit{}, err
	}
	h, err := e.holding(ctx, rec.ID)
	if err != nil {
		return deploy.Kit{}, err
	}
	crl, err := v.SignCRL(ctx, req.CA, req.CRLValidity)
	if err != nil {
		return deploy.Kit{}, fmt.Errorf("CA %q: %w", req.CA.Name, err)
	}
	name := "localhost"
	if len(h.cert.DNSNames) > 0 {
		name = h.cert.DNSNames[0]
	}
	return deploy.Kit{CAName: req.CA.Name, CA: caCert, CRL: crl.DER, ServerCert: h.cert, Chain: h.chain, ServerKey: h.key, ServerName: name,
		Issuers: issuers, IssuerCRLs: issuerCRLs}, nil
}

// kitServer is the server certificate a kit carries: the one chosen, if it
// can serve, or a new one.
func (e *Engine) kitServer(ctx context.Context, req DeployRequest) (Record, error) {
	if req.ServerID == 0 {
		return e.store.IssueServer(ctx, req.CA, req.Request)
	}
	rec, err := e.store.Get(ctx, req.ServerID)
	if err != nil {
		return Record{}, err
	}
	switch {
	case rec.Kind != KindServer:
		return Record{}, fmt.Errorf("%q is a %s certificate, not a server certificate: issue one with certctl issue --server", rec.CommonName, rec.Kind)
	case !rec.HasKey:
		return Record{}, fmt.Errorf("the vault has no key for %q: a server needs its key", rec.CommonName)
	case rec.Revoked():
		return Record{}, fmt.Errorf("%q is revoked: choose or issue another server certificate", rec.CommonName)
	case !rec.NotAfter.After(e.Now()):
		return Record{}, fmt.Errorf("%q expired on %s: renew it first", rec.CommonName, rec.NotAfter.Format(time.DateOnly))
	}
	return rec, nil
}

// UnchangedError is a refusal made before anything was issued, signed or
// written: the vault and the files are as they were.
type UnchangedError struct{ Err error }

func (e *UnchangedError) Error() string { return e.Err.Error() }

// Unwrap gives the reason.
func (e *UnchangedError) Unwrap() error { return e.Err }
