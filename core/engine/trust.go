package engine

import (
	"context"
	"crypto/x509"
	"fmt"
	"sync"

	"certdesk/core/vault"
	"certdesk/core/verdict"
)

// Trust is the judge's view of the vault: its CAs as trust anchors (only
// the CAs given, when any are), every revoked vault certificate and the
// fingerprint deny-list.
func (e *Engine) Trust(ctx context.Context, only ...CA) (*verdict.Trust, error) {
	snap, err := e.store.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return trustFrom(snap, only)
}

// trustFrom builds the judge's trust from a snapshot of the vault, with the
// CAs in only as anchors (every CA when only is empty or holds only the
// zero CA). With every CA, an issuing CA whose parent is in the vault is
// no anchor of its own: its people are judged up to the root, so revoking
// it refuses them. The other CAs are known for building paths.
func trustFrom(snap vault.Snapshot, only []CA) (*verdict.Trust, error) {
	wanted := map[int64]bool{}
	for _, ca := range only {
		if ca.ID != 0 {
			wanted[ca.ID] = true
		}
	}
	inVault := map[int64]bool{}
	for _, a := range snap.Anchors {
		inVault[a.CA.ID] = true
	}
	var anchors, known []*x509.Certificate
	found := map[int64]bool{}
	for _, a := range snap.Anchors {
		anchor := wanted[a.CA.ID]
		if len(wanted) == 0 {
			p := parentID(a.CA)
			anchor = p == 0 || !inVault[p]
		}
		if anchor {
			anchors = append(anchors, a.Cert)
			found[a.CA.ID] = true
		} else {
			known = append(known, a.Cert)
		}
	}
	for _, ca := range only {
		if ca.ID != 0 && !found[ca.ID] {
			return nil, fmt.Errorf("CA %q: %w", ca.Name, ErrNotFound)
		}
	}
	t := verdict.NewTrust(anchors)
	t.AddIntermediates(known...)
	for _, r := range snap.Revoked {
		t.RevokeSerial(r.Issuer, r.SerialHex, verdict.Revocation{Reason: r.Reason, Time: r.At})
	}
	for _, d := range snap.Denials {
		if err := t.RevokeFingerprint(d.FingerprintSHA256, verdict.Revocation{Reason: d.Reason, Time: d.RevokedAt}); err != nil {
			return nil, fmt.Errorf("deny-list entry %q is damaged: %w", d.FingerprintSHA256, err)
		}
	}
	return t, nil
}

// TrustSource follows the trust of one CA of the vault (of all its CAs for
// the zero CA), for servers that reload it when the vault changes. After
// the first full build it follows revocations through the audit trail and
// layers them over the last snapshot, so one revocation among 100,000
// costs a few small queries, not a rebuild.
type TrustSource struct {
	store *vault.Vault
	cas   []CA

	mu      sync.Mutex
	last    *verdict.Trust
	through int64
}

// TrustSource follows the trust of the CAs given (none: every CA).
func (e *Engine) TrustSource(cas ...CA) *TrustSource { return &TrustSource{store: e.store, cas: cas} }

// Stamp changes whenever the vault does.
func (s *TrustSource) Stamp(ctx context.Context) (string, error) {
	last, err := s.store.LastChange(ctx)
	return fmt.Sprint(last), err
}

// maxLayered bounds the changes layered before a full rebuild.
const maxLayered = 10_000

// Trust returns the current trust.
func (s *TrustSource) Trust(ctx context.Context) (*verdict.Trust, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	newest, err := s.store.LastChange(ctx)
	if err != nil {
		return nil, err
	}
	if s.last != nil && s.last.Layered() < maxLayered {
		changes, ok, err := s.store.RevocationChangesSince(ctx, s.through, newest)
		if err != nil {
			return nil, err
		}
		if ok {
			s.last, s.through = s.last.With(verdictChanges(changes)), newest
			return s.last, nil
		}
	}
	snap, err := s.store.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	t, err := trustFrom(snap, s.cas)
	if err != nil {
		return nil, err
	}
	s.last, s.through = t, snap.Through
	return t, nil
}

// verdictChanges turns the store's revocation changes into the judge's.
func verdictChanges(c vault.RevocationChanges) []verdict.Change {
	var out []verdict.Change
	for _, s := range c.Serials {
		ch := verdict.Change{Issuer: s.Issuer, SerialHex: s.SerialHex}
		if s.Revoked {
			ch.Revoked = &verdict.Revocation{Reason: s.Reason, Time: s.At}
		}
		out = append(out, ch)
	}
	for fp, d := range c.Fingerprints {
		ch := verdict.Change{Fingerprint: fp}
		if d != nil {
			ch.Revoked = &verdict.Revocation{Reason: d.Reason, Time: d.RevokedAt}
		}
		out = append(out, ch)
	}
	return out
}
