package engine

import (
	"context"
	"crypto/x509"
	"fmt"
	"sync"

	"certdesk/core/pki"
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

// trustFrom builds the judge's trust from a snapshot of the vault, as
// nginx would be configured for it. With no CA given (or only the zero
// CA), every CA of the vault is in the trust store. With CAs given, they,
// the CAs above them (a chain must reach a root: OpenSSL takes no partial
// chains) and the CAs below them (so people need not send their issuing
// CA) are, and a verified chain must pass through one of the CAs given,
// so an issuing CA's server does not let in its siblings' people.
func trustFrom(snap vault.Snapshot, only []CA) (*verdict.Trust, error) {
	byID := map[int64]vault.Anchor{}
	for _, a := range snap.Anchors {
		byID[a.CA.ID] = a
	}
	var store, required []*x509.Certificate
	inStore, wanted := map[int64]bool{}, map[int64]bool{}
	add := func(a vault.Anchor) {
		for ok := true; ok && !inStore[a.CA.ID]; a, ok = byID[parentID(a.CA)] {
			inStore[a.CA.ID] = true
			store = append(store, a.Cert)
			if _, inVault := byID[parentID(a.CA)]; !inVault {
				// Its issuers are not CAs of the vault (an offline root):
				// the chain it was installed with stands for them.
				store = append(store, outsideIssuers(a.CA)...)
			}
		}
	}
	for _, ca := range only {
		if ca.ID == 0 {
			continue
		}
		a, ok := byID[ca.ID]
		if !ok {
			return nil, fmt.Errorf("CA %q: %w", ca.Name, ErrNotFound)
		}
		add(a)
		wanted[a.CA.ID] = true
		required = append(required, a.Cert)
	}
	for _, a := range snap.Anchors {
		if len(required) == 0 || below(a, wanted, byID) {
			add(a)
		}
	}
	t := verdict.NewTrust(store)
	if len(required) > 0 {
		t = t.RequireIssuer(required...)
	}
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
	store storeRevocations
	cas   []CA
	depth int // 0: the judge's default

	mu      sync.Mutex
	last    *verdict.Trust
	through int64
}

// TrustSource follows the trust of the CAs given (none: every CA).
func (e *Engine) TrustSource(cas ...CA) *TrustSource { return &TrustSource{store: e.store, cas: cas} }

// WithDepth makes the source's trust use a verify depth (nginx's
// ssl_verify_depth); 0 keeps the judge's default. Call it before Trust.
func (s *TrustSource) WithDepth(depth int) *TrustSource {
	s.depth = depth
	return s
}

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
	if s.depth > 0 {
		t = t.WithDepth(s.depth)
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

// below reports whether a CA is under one of the CAs marked in wanted.
func below(a vault.Anchor, wanted map[int64]bool, byID map[int64]vault.Anchor) bool {
	seen := map[int64]bool{}
	for p := parentID(a.CA); p != 0 && !seen[p]; p = parentID(byID[p].CA) {
		if wanted[p] {
			return true
		}
		seen[p] = true
	}
	return false
}

// outsideIssuers are the certificates a CA was imported or installed with,
// above it, when its issuers are not CAs of the vault.
func outsideIssuers(ca CA) []*x509.Certificate {
	if ca.ChainPEM == "" {
		return nil
	}
	certs, err := pki.ParseCertificates([]byte(ca.ChainPEM))
	if err != nil {
		return nil // stored by the vault itself, checked there; a damaged chain just adds nothing
	}
	return certs
}
