package engine

import (
	"context"
	"fmt"

	"certdesk/core/certinfo"
	"certdesk/core/pki"
)

// List returns the certificates the filter selects, in its order.
func (e *Engine) List(ctx context.Context, f Filter) ([]Record, error) { return e.store.List(ctx, f) }

// Count is how many certificates the filter selects.
func (e *Engine) Count(ctx context.Context, f Filter) (int, error) { return e.store.Count(ctx, f) }

// CountByStatus counts a CA's certificates (every CA's for 0) by status.
func (e *Engine) CountByStatus(ctx context.Context, caID int64) (map[certinfo.Status]int, error) {
	return e.store.CountByStatus(ctx, caID)
}

// Find resolves a REF: an id, a serial, a fingerprint or a unique prefix of
// one, or a common name.
func (e *Engine) Find(ctx context.Context, ref string) (Record, error) { return e.store.Find(ctx, ref) }

// Get returns the certificate with this id.
func (e *Engine) Get(ctx context.Context, id int64) (Record, error) { return e.store.Get(ctx, id) }

// CAs lists the vault's CAs.
func (e *Engine) CAs(ctx context.Context) ([]CA, error) { return e.store.CAs(ctx) }

// CAByName finds a CA by its name in the vault.
func (e *Engine) CAByName(ctx context.Context, name string) (CA, error) {
	return e.store.CAByName(ctx, name)
}

// DefaultCA is the vault's only CA, or an error naming the choices.
func (e *Engine) DefaultCA(ctx context.Context) (CA, error) { return e.store.DefaultCA(ctx) }

// CAOf is the CA that issued a record.
func (e *Engine) CAOf(ctx context.Context, r Record) (CA, error) {
	if r.CAName == "" {
		return CA{}, fmt.Errorf("%q was not issued by a CA of this vault", r.CommonName)
	}
	return e.store.CAByName(ctx, r.CAName)
}

// Audit is the audit trail of one certificate (every entry for id 0),
// newest first, at most limit entries (0: all).
func (e *Engine) Audit(ctx context.Context, certID int64, limit int) ([]AuditEntry, error) {
	return e.store.Audit(ctx, certID, limit)
}

// Denials lists the fingerprint deny-list.
func (e *Engine) Denials(ctx context.Context) ([]Denial, error) { return e.store.Denials(ctx) }

// RevokedBy names who revoked a certificate, from the audit trail.
func (e *Engine) RevokedBy(ctx context.Context, id int64) (string, error) {
	return e.store.RevokedBy(ctx, id)
}

// Describe reads a stored certificate in full: every field the detail views
// show, parsed from the certificate itself, with the vault's own facts —
// id, kind, CA, key held, revocation and who revoked it, and for a CA its
// CRL's state.
func (e *Engine) Describe(ctx context.Context, id int64) (certinfo.Info, error) {
	rec, err := e.store.Get(ctx, id)
	if err != nil {
		return certinfo.Info{}, err
	}
	cert, err := e.store.Certificate(ctx, id)
	if err != nil {
		return certinfo.Info{}, err
	}
	now := e.Now()
	info := certinfo.Describe(cert, now)
	base := rec.Info(now)
	info.ID, info.Kind, info.CA, info.HasKey = base.ID, base.Kind, base.CA, base.HasKey
	info.Status, info.Revocation, info.Version = base.Status, base.Revocation, base.Version
	if info.Revocation != nil {
		if info.Revocation.By, err = e.store.RevokedBy(ctx, rec.ID); err != nil {
			return certinfo.Info{}, err
		}
	}
	if rec.Kind == KindCA && rec.CAID != 0 {
		if ca, ok := e.caOfOwnCert(ctx, rec); ok {
			info.CRL = certinfo.NewCRLState(ca.CRLNumber, ca.CRLNextUpdate, now)
		}
	}
	return info, nil
}

// ChainOf describes the certificates above a stored one, up to its root.
func (e *Engine) ChainOf(ctx context.Context, id int64) ([]certinfo.Info, error) {
	chain, err := e.store.Chain(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]certinfo.Info, 0, len(chain))
	for _, c := range chain {
		out = append(out, certinfo.Describe(c, e.Now()))
	}
	return out, nil
}

// CertificatePEM is a stored certificate as PEM, for copying.
func (e *Engine) CertificatePEM(ctx context.Context, id int64) ([]byte, error) {
	cert, err := e.store.Certificate(ctx, id)
	if err != nil {
		return nil, err
	}
	return pki.EncodeCertPEM(cert), nil
}
