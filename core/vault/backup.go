package vault

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Check runs the full check (CheckAll with SQLite's integrity_check) and
// returns nil or one error naming every problem: wrapping ErrTampered when
// a record fails its fingerprint, MAC or chain, ErrDamaged otherwise.
func (v *Vault) Check(ctx context.Context) error {
	r, err := v.CheckAll(ctx, CheckOptions{Full: true})
	if err != nil {
		return err
	}
	return r.Err()
}

// Backup writes a consistent copy of the whole vault, keys still sealed
// under the passphrase, to path (created 0600, never over an existing file).
// It is safe while other processes use the vault.
func (v *Vault) Backup(ctx context.Context, path string) error {
	if v.onServer() {
		return v.backupTeam(ctx, path)
	}
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

// Restore copies backup to target, which must not exist yet (restoring
// never overwrites a vault), then opens the copy, unlocks it and runs the
// full check: a backup that is damaged or whose records were changed by
// anyone without the vault key (a CA swapped, a revocation removed) is
// refused and the copy removed. passphrase is asked for only when the
// backup has one. The backup file itself is never changed.
func Restore(ctx context.Context, backup, target string, passphrase func() ([]byte, error)) error {
	if err := looksLikeSQLite(backup); err != nil {
		return err
	}
	if IsURL(target) {
		return restoreToServer(ctx, backup, target, passphrase)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return fmt.Errorf("creating the vault folder: %w", err)
	}
	if err := copyNew(backup, target); err != nil {
		return err
	}
	err := checkRestored(ctx, target, passphrase)
	if err != nil {
		os.Remove(target)
		os.Remove(target + "-journal")
		return fmt.Errorf("the backup %s was not restored: %w", backup, err)
	}
	return nil
}

func checkRestored(ctx context.Context, target string, passphrase func() ([]byte, error)) error {
	v, _, err := openRestored(target, passphrase)
	if err != nil {
		return err
	}
	defer v.Close()
	return v.Check(ctx)
}

// openRestored opens a restored vault file and unlocks it, asking for the
// passphrase only when it has one; it returns the passphrase too.
func openRestored(path string, passphrase func() ([]byte, error)) (*Vault, []byte, error) {
	v, err := Open(path)
	if err != nil {
		return nil, nil, err
	}
	var pass []byte
	if !v.Insecure() {
		if passphrase == nil {
			v.Close()
			return nil, nil, errors.New("its passphrase is needed to check it")
		}
		if pass, err = passphrase(); err != nil {
			v.Close()
			return nil, nil, err
		}
	}
	if err := v.Unlock(pass); err != nil {
		v.Close()
		return nil, nil, err
	}
	return v, pass, nil
}

// openBackup opens a backup file to read.
func openBackup(path string) (*os.File, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: the backup %s does not exist", ErrNoVault, path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the backup: %w", err)
	}
	return f, nil
}

// looksLikeSQLite refuses a file that is not SQLite at all before anything
// is copied.
func looksLikeSQLite(path string) error {
	f, err := openBackup(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var magic [16]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil || string(magic[:]) != "SQLite format 3\x00" {
		return fmt.Errorf("the backup %s is not an SQLite file (is it a Certdesk vault?)", path)
	}
	return nil
}

// copyNew copies a file to a new path (0600, never over an existing file).
func copyNew(from, to string) error {
	in, err := openBackup(from)
	if err != nil {
		return err
	}
	defer in.Close()
	if st, err := in.Stat(); err != nil || !st.Mode().IsRegular() {
		return fmt.Errorf("the backup %s is not a regular file", from)
	}
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s already exists: restore into a new file, then move it into place", to)
		}
		return fmt.Errorf("creating %s: %w", to, err)
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(to)
		return fmt.Errorf("copying the backup: %w", err)
	}
	return nil
}

// joinProblems lists problems in one sentence.
func joinProblems(ps []Problem) string {
	var parts []string
	for _, p := range ps {
		parts = append(parts, p.Message)
	}
	return strings.Join(parts, "; ")
}
