package engine

import (
	"context"
	"time"
)

// Revoke revokes a certificate with an RFC 5280 reason code.
func (e *Engine) Revoke(ctx context.Context, id int64, reason int) (Record, error) {
	return e.store.Revoke(ctx, id, reason)
}

// RevokeMany revokes several certificates in one transaction.
func (e *Engine) RevokeMany(ctx context.Context, ids []int64, reason int) (int, error) {
	return e.store.RevokeMany(ctx, ids, reason)
}

// Unrevoke lifts a certificateHold.
func (e *Engine) Unrevoke(ctx context.Context, id int64) (Record, error) {
	return e.store.Unrevoke(ctx, id)
}

// DenyFingerprint refuses a certificate by its SHA-256 fingerprint.
func (e *Engine) DenyFingerprint(ctx context.Context, fingerprint string, reason int, note string) (Denial, error) {
	return e.store.DenyFingerprint(ctx, fingerprint, reason, note)
}

// AllowFingerprint takes a fingerprint off the deny-list.
func (e *Engine) AllowFingerprint(ctx context.Context, fingerprint string) error {
	return e.store.AllowFingerprint(ctx, fingerprint)
}

// SignCRL signs the CA's next CRL, valid for validity (0: the default).
func (e *Engine) SignCRL(ctx context.Context, ca CA, validity time.Duration) (CRL, error) {
	return e.store.SignCRL(ctx, ca, validity)
}
