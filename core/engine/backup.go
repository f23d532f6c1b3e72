package engine

import (
	"context"

	"certdesk/core/vault"
)

// Check runs the vault's integrity checks and reports the first problem.
func (e *Engine) Check(ctx context.Context) error { return e.store.Check(ctx) }

// Backup checks the vault, then writes a consistent copy of it, keys still
// sealed under the passphrase, to path (never over an existing file). It is
// safe while other processes use the vault.
func (e *Engine) Backup(ctx context.Context, path string) error {
	if err := e.store.Check(ctx); err != nil {
		return err
	}
	return e.store.Backup(ctx, path)
}

// Restore copies a backup to target, which must not exist yet (restoring
// never overwrites a vault), unlocks the copy with the passphrase the
// backup was made with (asked of passphrase when it has one) and checks
// every record; a backup that fails the check is refused and the copy
// removed.
func Restore(ctx context.Context, backup, target string, passphrase func() ([]byte, error)) error {
	return vault.Restore(ctx, backup, target, passphrase)
}
