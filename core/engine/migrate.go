package engine

import (
	"context"
	"errors"

	"certdesk/core/vault"
)

// CopyReport says what a migration copied (rows per table, each compared).
type CopyReport = vault.CopyReport

// copier is a store that can copy itself to another backend.
type copier interface {
	CopyTo(ctx context.Context, target string, passphrase []byte) (vault.CopyReport, error)
}

// MigrateTo copies the whole vault into target (a new vault file, or an
// empty PostgreSQL database named by a postgres:// address), all or
// nothing, and compares every record. The vault must be unlocked;
// passphrase protects the copy (in a team vault: the connected role's slot).
func (e *Engine) MigrateTo(ctx context.Context, target string, passphrase []byte) (CopyReport, error) {
	c, ok := e.store.(copier)
	if !ok {
		return CopyReport{}, errors.ErrUnsupported
	}
	return c.CopyTo(ctx, target, passphrase)
}
