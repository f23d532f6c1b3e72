package engine

import (
	"context"
	"crypto/x509"
	"fmt"

	"certdesk/core/deploy"
)

// kitIssuers are the CAs above the kit's CA up to its root, and a fresh
// CRL from each, when the vault runs them all; nothing for a root. An
// issuing CA whose root the vault does not hold is refused, as before.
// The checks come first, so a refusal signs nothing.
func (e *Engine) kitIssuers(ctx context.Context, req DeployRequest) ([]*x509.Certificate, [][]byte, error) {
	caCert, err := e.store.Certificate(ctx, req.CA.CertID)
	if err != nil {
		return nil, nil, err
	}
	if deploy.CheckCA(caCert) == nil {
		return nil, nil, nil
	}
	lineage, err := e.Lineage(ctx, req.CA)
	if err != nil {
		return nil, nil, err
	}
	root, err := e.store.Certificate(ctx, lineage[len(lineage)-1].CertID)
	if err != nil {
		return nil, nil, err
	}
	if deploy.CheckCA(root) != nil {
		// The vault does not run the root (an imported intermediate, or one
		// signed by an offline root): no CRL for every level can be signed.
		return nil, nil, fmt.Errorf("CA %q: %w", req.CA.Name, deploy.CheckCA(caCert))
	}
	if err := e.checkNoNameTwin(ctx, req.CA); err != nil {
		return nil, nil, err
	}
	var certs []*x509.Certificate
	for _, ca := range lineage[1:] {
		c, err := e.store.Certificate(ctx, ca.CertID)
		if err != nil {
			return nil, nil, err
		}
		if err := e.CanSignCRL(ctx, ca); err != nil {
			return nil, nil, fmt.Errorf("CA %q, above %q, cannot sign the CRL the kit needs: %w", ca.Name, req.CA.Name, err)
		}
		certs = append(certs, c)
	}
	var crls [][]byte
	for _, ca := range lineage[1:] {
		crl, err := e.store.SignCRL(ctx, ca, req.CRLValidity)
		if err != nil {
			return nil, nil, fmt.Errorf("CA %q: %w", ca.Name, err)
		}
		crls = append(crls, crl.DER)
	}
	return certs, crls, nil
}

// checkNoNameTwin refuses a kit for an issuing CA when another CA
// certificate in the vault bears the same name: the servers tell the
// issuing CA's people from its siblings' by the issuer's name alone.
func (e *Engine) checkNoNameTwin(ctx context.Context, ca CA) error {
	cas, err := e.store.List(ctx, Filter{Kind: KindCA})
	if err != nil {
		return err
	}
	for _, r := range cas {
		if r.ID == ca.CertID || r.Subject != ca.Cert.Subject {
			continue
		}
		return fmt.Errorf("CA %q: another CA certificate in the vault (id %d) has the same name (%s); servers tell an issuing CA's people from its siblings' by that name, so the kit would let the other's people in: give one of them another name", ca.Name, r.ID, r.Subject)
	}
	return nil
}
