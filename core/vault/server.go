package vault

import (
	"context"
	"fmt"
	"time"
)

// A team vault is a PostgreSQL database reached by a postgres:// address
// (libpq's URL and key=value forms, PGPASSWORD and ~/.pgpass as usual).
// The database must exist; `certctl init` creates the vault's schema in it.

// createOnServer makes a new vault in the database url names. A failed
// creation drops what it made, so the database is left as it was.
func createOnServer(url string, passphrase []byte, opts CreateOptions) (*Vault, error) {
	v, err := connectServer(url)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	version, err := schemaVersion(ctx, v.db)
	if err == nil && version > 0 {
		err = fmt.Errorf("%w: %s already holds a Certdesk vault: open it, or choose another database", ErrExists, v.path)
	}
	if err == nil {
		passphrase, err = newPassphrase(passphrase, opts)
	}
	if err != nil {
		v.db.Close()
		return nil, err
	}
	if err := v.initialise(passphrase, opts); err != nil {
		v.db.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+pgSchema+` CASCADE`)
		v.Close()
		return nil, err
	}
	return v, nil
}

// openOnServer opens the team vault in the database url names, locked.
func openOnServer(url string) (*Vault, error) {
	v, err := connectServer(url)
	if err != nil {
		return nil, err
	}
	if err := v.openSchema(fmt.Errorf("%w: %s holds no Certdesk vault; create one with `certctl init`", ErrNoVault, v.path)); err != nil {
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
	return newVaultOn(db, redactURL(url)), nil
}
