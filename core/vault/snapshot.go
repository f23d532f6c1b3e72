package vault

import (
	"context"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// Anchor is a CA of the vault with its parsed certificate.
type Anchor struct {
	CA   CA
	Cert *x509.Certificate
}

// RevokedSerial is the revocation state of one vault certificate, named by
// its issuer's certificate and its serial. Revoked is false for a
// certificate that was un-revoked.
type RevokedSerial struct {
	Issuer    *x509.Certificate
	SerialHex string
	Revoked   bool
	Reason    string
	At        time.Time
}

// Snapshot is what a server needs to judge clients against the vault: its
// CAs, every revoked certificate and the fingerprint deny-list, as of the
// audit entry Through.
type Snapshot struct {
	Anchors []Anchor
	Revoked []RevokedSerial
	Denials []Denial
	Through int64
}

// Snapshot reads the vault's current trust and revocations.
func (v *Vault) Snapshot(ctx context.Context) (Snapshot, error) {
	var s Snapshot
	var err error
	if s.Through, err = v.LastChange(ctx); err != nil {
		return Snapshot{}, err
	}
	cas, err := v.CAs(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	byID := map[int64]*x509.Certificate{}
	for _, ca := range cas {
		c, err := v.Certificate(ctx, ca.CertID)
		if err != nil {
			return Snapshot{}, err
		}
		s.Anchors = append(s.Anchors, Anchor{CA: ca, Cert: c})
		byID[ca.ID] = c
	}
	if s.Revoked, err = v.revokedSerials(ctx, byID); err != nil {
		return Snapshot{}, err
	}
	if s.Denials, err = v.Denials(ctx); err != nil {
		return Snapshot{}, err
	}
	return s, nil
}

func (v *Vault) revokedSerials(ctx context.Context, issuers map[int64]*x509.Certificate) ([]RevokedSerial, error) {
	rows, err := v.db.QueryContext(ctx, `SELECT ca_id, serial, revoked_at, revocation_reason FROM certs WHERE revoked_at IS NOT NULL AND ca_id IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("reading revocations: %w", err)
	}
	defer rows.Close()
	var out []RevokedSerial
	for rows.Next() {
		var caID, at int64
		var serial string
		var reason int
		if err := rows.Scan(&caID, &serial, &at, &reason); err != nil {
			return nil, fmt.Errorf("reading revocations: %w", err)
		}
		if issuer := issuers[caID]; issuer != nil {
			out = append(out, RevokedSerial{Issuer: issuer, SerialHex: serial, Revoked: true, Reason: ReasonName(reason), At: time.Unix(at, 0).UTC()})
		}
	}
	return out, rows.Err()
}

// LastChange is the id of the newest audit entry: every change, by any
// process, writes one, so it changes whenever the vault does.
func (v *Vault) LastChange(ctx context.Context) (int64, error) {
	var last int64
	if err := v.db.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM audit`).Scan(&last); err != nil {
		return 0, fmt.Errorf("reading the vault state: %w", err)
	}
	return last, nil
}

// RevocationChanges are the changes to who is revoked that the audit
// entries after one id, up to another, made.
type RevocationChanges struct {
	Serials []RevokedSerial
	// Fingerprints maps each deny-list fingerprint touched to its entry,
	// nil when it was allowed again.
	Fingerprints map[string]*Denial
}

var fingerprintInText = regexp.MustCompile(`([0-9A-F]{2}:){31}[0-9A-F]{2}`)

// RevocationChangesSince reads the audit entries after one id, up to
// another, and returns the current revocation state of what they touched;
// ok is false when an entry is anything else (a new CA, say), which needs a
// new Snapshot.
func (v *Vault) RevocationChangesSince(ctx context.Context, after, upto int64) (RevocationChanges, bool, error) {
	entries, err := v.auditRange(ctx, after, upto)
	if err != nil {
		return RevocationChanges{}, false, err
	}
	out := RevocationChanges{Fingerprints: map[string]*Denial{}}
	issuers := map[int64]*x509.Certificate{}
	for _, e := range entries {
		switch e.action {
		case "cert.issue", "cert.sign_csr", "cert.renew", "crl.sign":
			// New certificates and CRLs do not change who is revoked.
		case "cert.revoke", "cert.unrevoke":
			c, err := v.serialState(ctx, e.certID, issuers)
			if err != nil {
				return RevocationChanges{}, false, err
			}
			if c != nil {
				out.Serials = append(out.Serials, *c)
			}
		case "fingerprint.deny", "fingerprint.allow":
			fp := fingerprintInText.FindString(e.detail)
			if fp == "" {
				return RevocationChanges{}, false, nil
			}
			d, err := v.denial(ctx, fp)
			if err != nil {
				return RevocationChanges{}, false, err
			}
			out.Fingerprints[fp] = d
		default:
			return RevocationChanges{}, false, nil
		}
	}
	return out, true, nil
}

type auditRow struct {
	action string
	certID int64
	detail string
}

func (v *Vault) auditRange(ctx context.Context, after, upto int64) ([]auditRow, error) {
	return queryAll(ctx, v.db, "reading the audit trail", func(s scanner) (auditRow, error) {
		var e auditRow
		err := s.Scan(&e.action, &e.certID, &e.detail)
		return e, err
	}, `SELECT action, COALESCE(cert_id, 0), detail FROM audit WHERE id > ? AND id <= ? ORDER BY id`, after, upto)
}

// denial is the deny-list entry of a fingerprint, nil when there is none.
func (v *Vault) denial(ctx context.Context, fp string) (*Denial, error) {
	var reason int
	var at int64
	var note string
	err := v.db.QueryRowContext(ctx, `SELECT reason, revoked_at, note FROM denied_fingerprints WHERE fingerprint_sha256 = ?`, fp).Scan(&reason, &at, &note)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("reading the deny-list: %w", err)
	}
	return &Denial{FingerprintSHA256: fp, Reason: ReasonName(reason), RevokedAt: time.Unix(at, 0).UTC(), Note: note}, nil
}

// serialState is the current revocation state of one vault certificate,
// checked against its MAC when unlocked; nil for one the vault did not
// issue from one of its CAs.
func (v *Vault) serialState(ctx context.Context, id int64, issuers map[int64]*x509.Certificate) (*RevokedSerial, error) {
	st, err := v.RevocationStateOf(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && st.CAID == 0) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	issuer, ok := issuers[st.CAID]
	if !ok {
		ca, err := v.caByID(ctx, st.CAID)
		if err != nil {
			return nil, err
		}
		if issuer, err = v.Certificate(ctx, ca.CertID); err != nil {
			return nil, err
		}
		issuers[st.CAID] = issuer
	}
	s := &RevokedSerial{Issuer: issuer, SerialHex: st.Serial}
	if st.Revoked {
		s.Revoked, s.Reason, s.At = true, ReasonName(st.Reason), st.At
	}
	return s, nil
}
