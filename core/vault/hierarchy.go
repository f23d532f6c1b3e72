package vault

import (
	"context"
	"crypto/x509"
	"database/sql"
	"fmt"
	"strings"

	"certdesk/core/pki"
)

// CreateIntermediate makes a new issuing CA named name, signed by the
// vault CA parent. Its certificate is stored as issued by parent (so
// parent can revoke it and lists it in its CRL), and its chain is parent's
// certificate and parent's own chain.
func (v *Vault) CreateIntermediate(ctx context.Context, name string, parent CA, req pki.CARequest) (CA, error) {
	if err := ValidateCAName(name); err != nil {
		return CA{}, err
	}
	if req.Name.CommonName == "" {
		req.Name.CommonName = name
	}
	auth, err := v.Authority(ctx, parent)
	if err != nil {
		return CA{}, err
	}
	if err := v.checkNewCAName(ctx, name); err != nil {
		return CA{}, err
	}
	issued, err := auth.IssueIntermediate(req, v.now())
	if err != nil {
		return CA{}, err
	}
	chain, err := v.chainOfCA(ctx, parent)
	if err != nil {
		return CA{}, err
	}
	var caID int64
	err = v.write(ctx, func(tx *sql.Tx) error {
		caID, err = v.insertCAUnder(tx, name, issued.Cert, issued.Key, chain, "ca.create_intermediate", parent.ID)
		return err
	})
	if err != nil {
		return CA{}, err
	}
	return v.caByID(ctx, caID)
}

// SignIntermediate signs a CSR as an issuing CA with the CA's profile for
// CAs (path length and constraints from req, never from the request) and
// stores the certificate, without a key, as issued by ca.
func (v *Vault) SignIntermediate(ctx context.Context, ca CA, csr *x509.CertificateRequest, req pki.CARequest) (Record, error) {
	auth, err := v.Authority(ctx, ca)
	if err != nil {
		return Record{}, err
	}
	issued, err := auth.SignIntermediateCSR(csr, req, v.now())
	if err != nil {
		return Record{}, err
	}
	return v.storeIssued(ctx, ca, issued, KindCA, "ca.sign_intermediate", 0)
}

// chainOfCA is the PEM of a CA's certificate followed by its own chain:
// the chain of a CA it signs.
func (v *Vault) chainOfCA(ctx context.Context, ca CA) ([]byte, error) {
	cert, err := v.Certificate(ctx, ca.CertID)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.Write(pki.EncodeCertPEM(cert))
	b.WriteString(ca.ChainPEM)
	return []byte(b.String()), nil
}

// checkNewCAName refuses a name a CA or a pending CA already has, before
// any key is made.
func (v *Vault) checkNewCAName(ctx context.Context, name string) error {
	var n int
	err := v.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM cas WHERE name = ?) + (SELECT count(*) FROM pending_cas WHERE name = ?)`, name, name).Scan(&n)
	if err != nil {
		return fmt.Errorf("checking CA names: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("%w: a CA named %q is already in the vault (or waits for its certificate); choose another name", ErrExists, name)
	}
	return nil
}

// issuedByParent reports whether a CA certificate was issued by another
// vault CA (an issuing CA under a vault root), so that CA may revoke it.
func (v *Vault) issuedByParent(ctx context.Context, rec Record) bool {
	var own int64
	err := v.db.QueryRowContext(ctx, `SELECT id FROM cas WHERE cert_id = ?`, rec.ID).Scan(&own)
	if err == sql.ErrNoRows {
		return rec.CAID != 0 // signed from a CSR: its CA is elsewhere
	}
	return err == nil && rec.CAID != 0 && own != rec.CAID
}

// ParentOf is the vault CA that issued ca's certificate, and false for a
// root or a CA whose issuer the vault does not run.
func (v *Vault) ParentOf(ctx context.Context, ca CA) (CA, bool, error) {
	if ca.Cert.CAID == 0 || ca.Cert.CAID == ca.ID {
		return CA{}, false, nil
	}
	p, err := v.caByID(ctx, ca.Cert.CAID)
	if err != nil {
		return CA{}, false, err
	}
	return p, true, nil
}
