package vault

import (
	"context"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sync"
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
// ca is the zero value), for servers that reload it when the vault changes.
// After the first full build it follows revocations through the audit
// trail and layers them over the last snapshot, so one revocation among
// 100,000 costs a few small queries, not a rebuild.
type TrustSource struct {
	v  *Vault
	ca CA

	mu      sync.Mutex
	last    *verdict.Trust
	lastID  int64
	issuers map[int64]*x509.Certificate
}

// NewTrustSource follows the trust of ca (zero value: every CA) in v.
func NewTrustSource(v *Vault, ca CA) *TrustSource { return &TrustSource{v: v, ca: ca} }

// Stamp changes whenever the vault does.
func (s *TrustSource) Stamp(ctx context.Context) (string, error) { return s.v.Stamp(ctx) }

// maxLayered bounds the changes layered before a full rebuild.
const maxLayered = 10_000

// Trust returns the current trust.
func (s *TrustSource) Trust(ctx context.Context) (*verdict.Trust, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var newest int64
	if err := s.v.db.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM audit`).Scan(&newest); err != nil {
		return nil, fmt.Errorf("reading the vault state: %w", err)
	}
	if s.last != nil && s.last.Layered() < maxLayered {
		changes, ok, err := s.changes(ctx, s.lastID, newest)
		if err != nil {
			return nil, err
		}
		if ok {
			s.last, s.lastID = s.last.With(changes), newest
			return s.last, nil
		}
	}
	var t *verdict.Trust
	var err error
	if s.ca.ID == 0 {
		t, err = s.v.Trust(ctx)
	} else {
		t, err = s.v.TrustFor(ctx, s.ca)
	}
	if err != nil {
		return nil, err
	}
	s.last, s.lastID, s.issuers = t, newest, map[int64]*x509.Certificate{}
	return t, nil
}

var fingerprintInText = regexp.MustCompile(`([0-9A-F]{2}:){31}[0-9A-F]{2}`)

// changes reads the audit entries after one id, up to another, and returns
// the current revocation state of what they touched; ok is false when an
// entry is anything else (a new CA, say), which needs a full rebuild.
func (s *TrustSource) changes(ctx context.Context, after, upto int64) ([]verdict.Change, bool, error) {
	rows, err := s.v.db.QueryContext(ctx, `SELECT action, COALESCE(cert_id, 0), detail FROM audit WHERE id > ? AND id <= ? ORDER BY id`, after, upto)
	if err != nil {
		return nil, false, fmt.Errorf("reading the audit trail: %w", err)
	}
	type entry struct {
		action string
		certID int64
		detail string
	}
	var entries []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.action, &e.certID, &e.detail); err != nil {
			rows.Close()
			return nil, false, err
		}
		entries = append(entries, e)
	}
	rows.Close()
	var out []verdict.Change
	for _, e := range entries {
		switch e.action {
		case "cert.issue", "cert.sign_csr", "cert.renew", "crl.sign":
			// New certificates and CRLs do not change who is revoked.
		case "cert.revoke", "cert.unrevoke":
			c, err := s.certChange(ctx, e.certID)
			if err != nil {
				return nil, false, err
			}
			if c != nil {
				out = append(out, *c)
			}
		case "fingerprint.deny", "fingerprint.allow":
			fp := fingerprintInText.FindString(e.detail)
			if fp == "" {
				return nil, false, nil
			}
			c := verdict.Change{Fingerprint: fp}
			var reason int
			var at int64
			err := s.v.db.QueryRowContext(ctx, `SELECT reason, revoked_at FROM denied_fingerprints WHERE fingerprint_sha256 = ?`, fp).Scan(&reason, &at)
			switch {
			case err == nil:
				c.Revoked = &verdict.Revocation{Reason: ReasonName(reason), Time: time.Unix(at, 0).UTC()}
			case !errors.Is(err, sql.ErrNoRows):
				return nil, false, err
			}
			out = append(out, c)
		default:
			return nil, false, nil
		}
	}
	return out, true, nil
}

// certChange is the current revocation state of one vault certificate.
func (s *TrustSource) certChange(ctx context.Context, id int64) (*verdict.Change, error) {
	var caID int64
	var serial string
	var revokedAt sql.NullInt64
	var reason int
	err := s.v.db.QueryRowContext(ctx, `SELECT COALESCE(ca_id, 0), serial, revoked_at, COALESCE(revocation_reason, 0) FROM certs WHERE id = ?`, id).Scan(&caID, &serial, &revokedAt, &reason)
	if errors.Is(err, sql.ErrNoRows) || caID == 0 {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	issuer, ok := s.issuers[caID]
	if !ok {
		ca, err := s.v.caByID(ctx, caID)
		if err != nil {
			return nil, err
		}
		if issuer, err = s.v.Certificate(ctx, ca.CertID); err != nil {
			return nil, err
		}
		s.issuers[caID] = issuer
	}
	c := &verdict.Change{Issuer: issuer, SerialHex: serial}
	if revokedAt.Valid {
		c.Revoked = &verdict.Revocation{Reason: ReasonName(reason), Time: time.Unix(revokedAt.Int64, 0).UTC()}
	}
	return c, nil
}
