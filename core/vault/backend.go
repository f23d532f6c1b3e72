package vault

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
)

// A vault lives in an SQLite file or in a PostgreSQL database (a team
// vault). Both run the same schema and the same queries; the few places
// where the two must differ are here, in pgdriver.go and in pgschema.go.

// IsURL reports whether where names a PostgreSQL team vault
// (postgres://… or postgresql://…) rather than a file.
func IsURL(where string) bool {
	return strings.HasPrefix(where, "postgres://") || strings.HasPrefix(where, "postgresql://")
}

// redactURL hides a password in a vault address.
func redactURL(where string) string {
	u, err := url.Parse(where)
	if err != nil {
		return "(an unreadable postgres:// address)"
	}
	return u.Redacted()
}

// tableExistsQuery counts the vault's tables named ?.
func tableExistsQuery(db *sql.DB) string {
	if isPostgres(db) {
		return `SELECT count(*) FROM information_schema.tables WHERE table_schema = '` + pgSchema + `' AND table_name = ?`
	}
	return `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
}

// insertID runs an INSERT and returns the new row's id.
func (v *Vault) insertID(tx *sql.Tx, q string, args ...any) (int64, error) {
	if isPostgres(v.db) {
		var id int64
		err := tx.QueryRow(q+` RETURNING id`, args...).Scan(&id)
		return id, err
	}
	res, err := tx.Exec(q, args...)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("reading the new row's id: %w", err)
	}
	return id, nil
}

// onServer reports whether the vault is a team vault on PostgreSQL.
func (v *Vault) onServer() bool { return isPostgres(v.db) }

// snapshotReader reads several queries from one state of the vault.
type snapshotReader interface {
	queryer
	QueryRow(query string, args ...any) *sql.Row
}

// snapshot is a reader that sees one state of the vault across several
// queries while other admins write: a read-only repeatable-read
// transaction on PostgreSQL. On SQLite, whose writers are other
// processes on the same file, it is the database itself, as before.
func (v *Vault) snapshot(ctx context.Context) (snapshotReader, func(), error) {
	if !v.onServer() {
		return v.db, func() {}, nil
	}
	tx, err := v.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, nil, fmt.Errorf("starting a read of the vault: %w", err)
	}
	return tx, func() { tx.Rollback() }, nil
}
