package engine

import (
	"context"
	"time"
)

// Revoke revokes a certificate with an RFC 5280 reason code.
func (e *Engine) Revoke(ctx context.Context, id int64, reason int) (Record, error) {
	return e.store.RevokeIfUnchanged(ctx, id, reason, 0)
}

// RevokeIfUnchanged revokes a certificate its caller saw at version seen
// (Record.Version); a *ConflictError says who changed it since, and
// nothing is done (seen 0: revoke whatever its state now).
func (e *Engine) RevokeIfUnchanged(ctx context.Context, id int64, reason int, seen int64) (Record, error) {
	return e.store.RevokeIfUnchanged(ctx, id, reason, seen)
}

// RevokeMany revokes several certificates in one transaction.
func (e *Engine) RevokeMany(ctx context.Context, ids []int64, reason int) (int, error) {
	return e.store.RevokeMany(ctx, ids, reason)
}

// RevokeRecords revokes, in one transaction, the certificates as they
// were listed: when any changed since (its Record.Version), none is
// revoked and a *ConflictError names it. Ones already revoked when listed
// are left as they are. It returns how many it revoked.
func (e *Engine) RevokeRecords(ctx context.Context, recs []Record, reason int) (int, error) {
	return e.store.RevokeManyIfUnchanged(ctx, recs, reason)
}

// Unrevoke lifts a certificateHold.
func (e *Engine) Unrevoke(ctx context.Context, id int64) (Record, error) {
	return e.store.UnrevokeIfUnchanged(ctx, id, 0)
}

// UnrevokeIfUnchanged lifts the revocation of a certificate its caller saw
// at version seen; a *ConflictError when it changed since (0: no check).
func (e *Engine) UnrevokeIfUnchanged(ctx context.Context, id int64, seen int64) (Record, error) {
	return e.store.UnrevokeIfUnchanged(ctx, id, seen)
}

// DenyFingerprint refuses a certificate by its SHA-256 fingerprint.
func (e *Engine) DenyFingerprint(ctx context.Context, fingerprint string, reason int, note string) (Denial, error) {
	return e.store.DenyFingerprint(ctx, fingerprint, reason, note)
}

// AllowFingerprint takes a fingerprint off the deny-list.
func (e *Engine) AllowFingerprint(ctx context.Context, fingerprint string) error {
	return e.store.AllowFingerprintIfUnchanged(ctx, fingerprint, 0)
}

// AllowFingerprintIfUnchanged takes off the deny-list an entry its caller
// saw at version seen (Denial.Version); a *ConflictError when it changed
// or was lifted since (0: no check).
func (e *Engine) AllowFingerprintIfUnchanged(ctx context.Context, fingerprint string, seen int64) error {
	return e.store.AllowFingerprintIfUnchanged(ctx, fingerprint, seen)
}

// SignCRL signs the CA's next CRL, valid for validity (0: the default).
func (e *Engine) SignCRL(ctx context.Context, ca CA, validity time.Duration) (CRL, error) {
	return e.store.SignCRL(ctx, ca, validity)
}
