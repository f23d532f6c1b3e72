package vault

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// A team vault is a PostgreSQL database reached by a postgres:// address
// (libpq's URL and key=value forms, PGPASSWORD and ~/.pgpass as usual).
// The database must exist; `certctl init` creates the vault's schema in it.

// createOnServer makes a new vault in the database url names. A failed
// creation drops what it made, so the database is left as it was.
func createOnServer(url string, passphrase []byte, opts CreateOptions) (*Vault, error) {
	return onServer(url, func(v *Vault) error {
		ctx := context.Background()
		version, err := schemaVersion(ctx, v.db)
		if err != nil {
			return err
		}
		if version > 0 {
			return fmt.Errorf("%w: %s already holds a Certdesk vault: open it, or choose another database", ErrExists, v.path)
		}
		if passphrase, err = newPassphrase(passphrase, opts); err != nil {
			return err
		}
		if err = v.initialise(passphrase, opts); err == nil {
			err = v.becomeTeam(ctx, passphrase)
		}
		if err != nil {
			v.db.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+pgSchema+` CASCADE`)
		}
		return err
	})
}

// openOnServer opens the team vault in the database url names, locked.
func openOnServer(url string) (*Vault, error) {
	return onServer(url, func(v *Vault) error {
		if err := v.openSchema(fmt.Errorf("%w: %s holds no Certdesk vault; create one with `certctl init`", ErrNoVault, v.path)); err != nil {
			return err
		}
		m, err := v.meta(context.Background())
		if err != nil {
			return err
		}
		return checkTeamSchema(m)
	})
}

// onServer connects to the database url names and runs setup on the new
// vault; a vault whose setup failed is closed.
func onServer(url string, setup func(v *Vault) error) (*Vault, error) {
	v, err := connectServer(url)
	if err != nil {
		return nil, err
	}
	if err := setup(v); err != nil {
		v.Close()
		return nil, err
	}
	return v, nil
}

// connectServer connects to the database, within 15 seconds.
func connectServer(url string) (*Vault, error) {
	db, err := openPostgres(url)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to the team vault %s: %w", redactURL(url), err)
	}
	v := newVaultOn(db, redactURL(url))
	v.dsn = url
	return v, nil
}

// becomeTeam adds the team schema, makes the connected role the first
// owner with a slot opened by passphrase, and drops the single wrapped
// vault key: from now on only admins' slots open the vault.
func (v *Vault) becomeTeam(ctx context.Context, passphrase []byte) error {
	keys, err := newSlotKeys(passphrase, v.insecure)
	if err != nil {
		return err
	}
	return v.write(ctx, func(tx *sql.Tx) error {
		if err := installTeam(ctx, tx); err != nil {
			return err
		}
		var me string
		if err := tx.QueryRowContext(ctx, `SELECT current_user`).Scan(&me); err != nil {
			return err
		}
		if err := v.insertAdmin(ctx, tx, me, RoleOwner, keys); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE name IN ('vault_key', 'vault_key_check')`); err != nil {
			return fmt.Errorf("dropping the single vault key: %w", err)
		}
		v.admin, v.role = me, RoleOwner
		return v.audit(tx, "admin.add", 0, 0, fmt.Sprintf("admin %q, role owner (created the team vault)", me))
	})
}
