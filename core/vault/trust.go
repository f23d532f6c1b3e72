package vault

import (
	"context"
	"crypto/x509"
	"fmt"
	"time"

	"certdesk/core/verdict"
)

// Trust builds the judge's view of the vault: every CA as a trust anchor,
// every revoked vault certificate by issuer and serial, and the fingerprint
// deny-list.
func (v *Vault) Trust(ctx context.Context) (*verdict.Trust, error) {
	cas, err := v.CAs(ctx)
	if err != nil {
		return nil, err
	}
	var anchors []*x509.Certificate
	byID := map[int64]*x509.Certificate{}
	for _, ca := range cas {
		c, err := v.Certificate(ctx, ca.CertID)
		if err != nil {
			return nil, err
		}
		anchors = append(anchors, c)
		byID[ca.ID] = c
	}
	t := verdict.NewTrust(anchors)
	rows, err := v.db.QueryContext(ctx, `SELECT ca_id, serial, revoked_at, revocation_reason FROM certs WHERE revoked_at IS NOT NULL AND ca_id IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("reading revocations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var caID, at int64
		var serial string
		var reason int
		if err := rows.Scan(&caID, &serial, &at, &reason); err != nil {
			return nil, fmt.Errorf("reading revocations: %w", err)
		}
		if issuer := byID[caID]; issuer != nil {
			t.RevokeSerial(issuer, serial, verdict.Revocation{Reason: ReasonName(reason), Time: time.Unix(at, 0).UTC()})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	denials, err := v.Denials(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range denials {
		if err := t.RevokeFingerprint(d.FingerprintSHA256, verdict.Revocation{Reason: d.Reason, Time: d.RevokedAt}); err != nil {
			return nil, fmt.Errorf("deny-list entry %q is damaged: %w", d.FingerprintSHA256, err)
		}
	}
	return t, nil
}

// Stamp is a cheap fingerprint of the vault's state: every change, by any
// process, writes an audit entry, so the newest audit id changes with it.
// A server polls it to reload trust.
func (v *Vault) Stamp(ctx context.Context) (string, error) {
	var last int64
	if err := v.db.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM audit`).Scan(&last); err != nil {
		return "", fmt.Errorf("reading the vault state: %w", err)
	}
	return fmt.Sprint(last), nil
}

// TrustFor is Trust limited to one CA: only it is a trust anchor.
func (v *Vault) TrustFor(ctx context.Context, ca CA) (*verdict.Trust, error) {
	all, err := v.Trust(ctx)
	if err != nil {
		return nil, err
	}
	cert, err := v.Certificate(ctx, ca.CertID)
	if err != nil {
		return nil, err
	}
	return all.Only(cert), nil
}

// TrustSource is the trust of one CA of the vault (or of all its CAs when
// CA is the zero value), for servers that reload it when the vault changes.
type TrustSource struct {
	Vault *Vault
	CA    CA
}

// Stamp changes whenever the vault does.
func (s TrustSource) Stamp(ctx context.Context) (string, error) { return s.Vault.Stamp(ctx) }

// Trust builds the current trust.
func (s TrustSource) Trust(ctx context.Context) (*verdict.Trust, error) {
	if s.CA.ID == 0 {
		return s.Vault.Trust(ctx)
	}
	return s.Vault.TrustFor(ctx, s.CA)
}
