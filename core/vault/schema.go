package vault

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// SchemaVersion is the newest schema this build knows. A vault written by a
// newer build is refused rather than misread.
const SchemaVersion = 5

// migrations[i] brings a vault from schema version i to i+1. The SQL is kept
// portable (no SQLite-only types) so that a shared PostgreSQL vault can follow.
var migrations = []string{
	// 0 -> 1: the first schema.
	`
CREATE TABLE meta (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
CREATE TABLE cas (
	id              INTEGER PRIMARY KEY,
	name            TEXT NOT NULL UNIQUE,
	cert_id         INTEGER,
	chain_pem       TEXT NOT NULL DEFAULT '',
	crl_number      INTEGER NOT NULL DEFAULT 0,
	crl_this_update INTEGER,
	crl_next_update INTEGER,
	created_at      INTEGER NOT NULL
);
CREATE TABLE certs (
	id                 INTEGER PRIMARY KEY,
	ca_id              INTEGER,
	kind               TEXT NOT NULL,
	common_name        TEXT NOT NULL,
	organization       TEXT NOT NULL DEFAULT '',
	emails             TEXT NOT NULL DEFAULT '',
	dns_names          TEXT NOT NULL DEFAULT '',
	ip_addresses       TEXT NOT NULL DEFAULT '',
	subject            TEXT NOT NULL,
	issuer             TEXT NOT NULL,
	issuer_common_name TEXT NOT NULL,
	serial             TEXT NOT NULL,
	not_before         INTEGER NOT NULL,
	not_after          INTEGER NOT NULL,
	key_type           TEXT NOT NULL,
	fingerprint_sha256 TEXT NOT NULL UNIQUE,
	fingerprint_sha1   TEXT NOT NULL,
	is_ca              INTEGER NOT NULL,
	search_text        TEXT NOT NULL,
	der                BLOB NOT NULL,
	key_sealed         BLOB,
	created_at         INTEGER NOT NULL,
	revoked_at         INTEGER,
	revocation_reason  INTEGER,
	renewed_from       INTEGER
);
CREATE UNIQUE INDEX certs_ca_serial ON certs (ca_id, serial);
CREATE INDEX certs_serial ON certs (serial);
CREATE INDEX certs_ca_cn ON certs (ca_id, common_name);
CREATE INDEX certs_cn ON certs (common_name);
CREATE INDEX certs_not_after ON certs (not_after);
CREATE INDEX certs_revoked ON certs (revoked_at);
CREATE TABLE denied_fingerprints (
	fingerprint_sha256 TEXT PRIMARY KEY,
	reason             INTEGER NOT NULL,
	revoked_at         INTEGER NOT NULL,
	note               TEXT NOT NULL DEFAULT ''
);
CREATE TABLE crls (
	id          INTEGER PRIMARY KEY,
	ca_id       INTEGER NOT NULL,
	number      INTEGER NOT NULL,
	this_update INTEGER NOT NULL,
	next_update INTEGER NOT NULL,
	der         BLOB NOT NULL
);
CREATE UNIQUE INDEX crls_ca_number ON crls (ca_id, number);
CREATE TABLE audit (
	id      INTEGER PRIMARY KEY,
	at      INTEGER NOT NULL,
	actor   TEXT NOT NULL,
	action  TEXT NOT NULL,
	ca_id   INTEGER,
	cert_id INTEGER,
	detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_cert ON audit (cert_id);
`,
	// 1 -> 2: certificate and key bytes, and the search text, move to tables
	// of their own, so that lists, searches and counts scan narrow rows
	// (100,000 certificates).
	`
CREATE TABLE cert_blobs (
	cert_id    INTEGER PRIMARY KEY,
	der        BLOB NOT NULL,
	key_sealed BLOB
);
INSERT INTO cert_blobs (cert_id, der, key_sealed) SELECT id, der, key_sealed FROM certs;
ALTER TABLE certs ADD COLUMN has_key INTEGER NOT NULL DEFAULT 0;
UPDATE certs SET has_key = 1 WHERE key_sealed IS NOT NULL;
ALTER TABLE certs DROP COLUMN der;
ALTER TABLE certs DROP COLUMN key_sealed;
CREATE TABLE cert_search (
	cert_id INTEGER PRIMARY KEY,
	text    TEXT NOT NULL
);
INSERT INTO cert_search (cert_id, text) SELECT id, search_text FROM certs;
ALTER TABLE certs DROP COLUMN search_text;
CREATE INDEX certs_status ON certs (ca_id, revoked_at, not_before, not_after);
`,
	// 2 -> 3: integrity (see integrity.go). The new columns start empty; an
	// existing vault's records get their MACs on its first unlock.
	`
ALTER TABLE certs ADD COLUMN mac BLOB;
ALTER TABLE cas ADD COLUMN rev_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cas ADD COLUMN rev_digest TEXT NOT NULL DEFAULT '';
ALTER TABLE cas ADD COLUMN mac BLOB;
ALTER TABLE denied_fingerprints ADD COLUMN mac BLOB;
ALTER TABLE audit ADD COLUMN link BLOB;
`,
	// 3 -> 4: issuance profiles and pending CAs (schema_hierarchy.go).
	hierarchySchema,
	// 4 -> 5: row versions for edits refused when the row changed since
	// it was shown (versions.go).
	versionSchema,
}

// schemaVersion reads the vault's schema version; 0 means a new, empty file.
func schemaVersion(ctx context.Context, db *sql.DB) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, tableExistsQuery(db), "meta").Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("reading the vault file (is it a Certdesk vault?): %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	var v string
	if err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE name='schema_version'`).Scan(&v); err != nil {
		return 0, fmt.Errorf("the vault has no schema version: it is damaged or not a Certdesk vault: %w", err)
	}
	version, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("the vault's schema version %q is not a number: the file is damaged", v)
	}
	return version, nil
}

// migrate brings the schema up to SchemaVersion, each step in its own
// transaction, so a crash leaves the vault at one version or the next.
func migrate(ctx context.Context, db *sql.DB, from int) error {
	return migrateTo(ctx, db, from, SchemaVersion)
}

func migrateTo(ctx context.Context, db *sql.DB, from, to int) error {
	if from > SchemaVersion {
		return fmt.Errorf("%w: the vault has schema version %d, this build knows up to %d; update Certdesk", ErrNewerSchema, from, SchemaVersion)
	}
	for v := from; v < to; v++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("starting migration to schema %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, schemaDDL(db, v)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrating the vault to schema %d%s: %w", v+1, migrationHint(err), err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (name, value) VALUES ('schema_version', ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, strconv.Itoa(v+1)); err != nil {
			tx.Rollback()
			return fmt.Errorf("recording schema %d: %w", v+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("committing schema %d: %w", v+1, err)
		}
	}
	return installPGTriggers(ctx, db)
}
