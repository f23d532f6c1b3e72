package vault

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Backups of a team vault are vault files: every record copied verbatim
// (CopyTo), with the backing-up admin's slot in place of a wrapped vault
// key, so the file opens with that admin's passphrase — as a vault file,
// or restored into an empty database, where that admin's role becomes the
// first owner. The other admins' slots are not in it.

// teamSlot is meta "team_slot" of such a file.
type teamSlot struct {
	Name, Role string
	Public     []byte
	PrivSealed []byte
	KDF        string
	Slot       []byte
	Insecure   bool
}

// backupTeam writes the team vault to a new vault file at path.
func (v *Vault) backupTeam(ctx context.Context, path string) error {
	if _, err := v.key(); err != nil {
		return err
	}
	var ts teamSlot
	err := v.db.QueryRowContext(ctx, `SELECT name, role, public_key, private_key, kdf, slot FROM admins WHERE name = current_user`).
		Scan(&ts.Name, &ts.Role, &ts.Public, &ts.PrivSealed, &ts.KDF, &ts.Slot)
	if err != nil {
		return fmt.Errorf("reading your slot for the backup: %w", err)
	}
	ts.Insecure = v.insecure
	b, err := json.Marshal(ts)
	if err != nil {
		return err
	}
	if err := v.verifyAllBeforeRekey(ctx); err != nil {
		return err
	}
	_, err = v.copyToFile(ctx, path, map[string]string{"team_slot": string(b)})
	return err
}

// unlockTeamSlot opens a team backup's vault key with its admin's passphrase.
func (v *Vault) unlockTeamSlot(raw string, passphrase []byte) error {
	var ts teamSlot
	if err := json.Unmarshal([]byte(raw), &ts); err != nil {
		return fmt.Errorf("%w: the backup's admin slot is unreadable", ErrDamaged)
	}
	keys := slotKeys{Public: ts.Public, PrivSealed: ts.PrivSealed}
	var err error
	if keys.KDF, err = decodeKDF(ts.KDF); err != nil {
		return err
	}
	if keys.KDF.Insecure {
		passphrase = nil
	}
	priv, err := keys.private(passphrase)
	if err != nil {
		return err
	}
	secret, err := openSlot(priv, ts.Slot, ts.Name+" "+ts.Role)
	if err != nil {
		return err
	}
	return v.setKeys(secret)
}

// restoreToServer loads a backup (any vault file) into an empty database.
func restoreToServer(ctx context.Context, backup, url string, passphrase func() ([]byte, error)) error {
	tmp, err := os.MkdirTemp("", "certdesk-restore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	copyPath := filepath.Join(tmp, "vault.db")
	if err := copyNew(backup, copyPath); err != nil { // the backup itself is never opened for writing
		return err
	}
	v, pass, err := openRestored(copyPath, passphrase)
	if err != nil {
		return err
	}
	defer v.Close()
	if _, err := v.CopyTo(ctx, url, pass); err != nil {
		return fmt.Errorf("the backup %s was not restored: %w", backup, err)
	}
	return nil
}
