package vault

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Check runs SQLite's integrity check and reports the first problem.
func (v *Vault) Check(ctx context.Context) error {
	var result string
	if err := v.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil {
		return fmt.Errorf("checking the vault: %w", err)
	}
	if result != "ok" {
		return fmt.Errorf("the vault file is damaged: %s", result)
	}
	return nil
}

// Backup writes a consistent copy of the whole vault, keys still sealed
// under the passphrase, to path (created 0600, never over an existing file).
// It is safe while other processes use the vault.
func (v *Vault) Backup(ctx context.Context, path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s already exists: choose another name", path)
		}
		return fmt.Errorf("creating the backup: %w", err)
	}
	f.Close()
	if _, err := v.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("writing the backup: %w", err)
	}
	return nil
}

// Restore checks that backup is a sound Certdesk vault and copies it to
// target, which must not exist yet (restoring never overwrites a vault).
// The passphrase stays the one the backup was made with.
func Restore(ctx context.Context, backup, target string) error {
	b, err := Open(backup)
	if err != nil {
		return fmt.Errorf("the backup: %w", err)
	}
	err = b.Check(ctx)
	if err == nil {
		if err = os.MkdirAll(filepath.Dir(target), 0o700); err == nil {
			err = b.Backup(ctx, target)
		}
	}
	b.Close()
	if err != nil && strings.Contains(err.Error(), "already exists") {
		return fmt.Errorf("%s already exists: restore into a new file, then move it into place", target)
	}
	return err
}
