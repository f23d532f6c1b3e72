package engine

import (
	"context"

	"certdesk/core/vault"
)

// CheckAll runs SQLite's integrity check and checks every record, the key
// material and the audit chain, reporting every problem.
func (e *Engine) CheckAll(ctx context.Context, opts CheckOptions) (CheckReport, error) {
	return e.store.CheckAll(ctx, opts)
}

// VerifyAudit checks the audit trail's hash chain.
func (e *Engine) VerifyAudit(ctx context.Context) (AuditChain, error) {
	return e.store.VerifyAudit(ctx)
}

// Assurance says whether reads are authenticated (unlocked) or only
// checked against their fingerprints.
func (e *Engine) Assurance() Assurance { return e.store.Assurance() }

// Warnings are what is unsafe about the vault's place (a folder others can
// write, another owner), for the faces to show.
func (e *Engine) Warnings() []string { return e.store.Warnings() }

// ChangePassphrase re-wraps the vault key under a new passphrase, in one
// transaction: until it commits the old passphrase works.
func (e *Engine) ChangePassphrase(ctx context.Context, newPassphrase []byte) error {
	return e.store.ChangePassphrase(ctx, newPassphrase)
}

// Rekey draws a new vault key and re-seals every private key under it, in
// one transaction; it returns how many keys were re-sealed.
func (e *Engine) Rekey(ctx context.Context, passphrase []byte) (int, error) {
	return e.store.Rekey(ctx, passphrase)
}

// RatePassphrase rates a passphrase with the policy both faces use.
func RatePassphrase(passphrase []byte, hints ...string) Strength {
	return vault.RatePassphrase(passphrase, hints...)
}

// CheckPassphrase refuses a passphrase the policy calls weak.
func CheckPassphrase(passphrase []byte, hints ...string) error {
	return vault.CheckPassphrase(passphrase, hints...)
}
