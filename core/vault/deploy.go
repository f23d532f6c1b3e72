package vault

import (
	"context"
	"fmt"
	"time"

	"certdesk/core/deploy"
	"certdesk/core/pki"
)

// DeployOptions say which server certificate a deployment kit carries.
type DeployOptions struct {
	// ServerID is a server certificate in the vault, issued by the CA, with
	// its key. Zero issues a new one for Request.
	ServerID int64
	Request  pki.ServerRequest
	// CRLValidity is how long the kit's fresh CRL stays valid (default 30 days).
	CRLValidity time.Duration
}

// DeployKit gathers what a real server needs to check the CA's client
// certificates: the CA certificate, a freshly signed CRL, and a server
// certificate with its chain and key. Writing it is deploy.WriteKit's job.
func (v *Vault) DeployKit(ctx context.Context, ca CA, opts DeployOptions) (deploy.Kit, error) {
	caCert, err := v.Certificate(ctx, ca.CertID)
	if err != nil {
		return deploy.Kit{}, err
	}
	if err := deploy.CheckCA(caCert); err != nil {
		return deploy.Kit{}, fmt.Errorf("CA %q: %w", ca.Name, err)
	}
	var rec Record
	if opts.ServerID != 0 {
		if rec, err = v.Get(ctx, opts.ServerID); err != nil {
			return deploy.Kit{}, err
		}
		switch {
		case rec.Kind != KindServer:
			return deploy.Kit{}, fmt.Errorf("%q is a %s certificate, not a server certificate: issue one with certctl issue --server", rec.CommonName, rec.Kind)
		case !rec.HasKey:
			return deploy.Kit{}, fmt.Errorf("the vault has no key for %q: a server needs its key", rec.CommonName)
		case rec.Revoked():
			return deploy.Kit{}, fmt.Errorf("%q is revoked: choose or issue another server certificate", rec.CommonName)
		case !rec.NotAfter.After(v.now()):
			return deploy.Kit{}, fmt.Errorf("%q expired on %s: renew it first", rec.CommonName, rec.NotAfter.Format(time.DateOnly))
		}
	} else if rec, err = v.IssueServer(ctx, ca, opts.Request); err != nil {
		return deploy.Kit{}, err
	}
	cert, err := v.Certificate(ctx, rec.ID)
	if err != nil {
		return deploy.Kit{}, err
	}
	key, err := v.PrivateKey(ctx, rec.ID)
	if err != nil {
		return deploy.Kit{}, err
	}
	chain, err := v.Chain(ctx, rec.ID)
	if err != nil {
		return deploy.Kit{}, err
	}
	crl, err := v.SignCRL(ctx, ca, opts.CRLValidity)
	if err != nil {
		return deploy.Kit{}, fmt.Errorf("CA %q: %w", ca.Name, err)
	}
	name := "localhost"
	if len(cert.DNSNames) > 0 {
		name = cert.DNSNames[0]
	}
	return deploy.Kit{CAName: ca.Name, CA: caCert, CRL: crl.DER, ServerCert: cert, Chain: chain, ServerKey: key, ServerName: name}, nil
}
