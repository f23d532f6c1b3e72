package vault

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The team schema: what a PostgreSQL vault has beyond the shared schema.
// The admins table holds each admin's slot (slot.go); three group roles
// per vault database carry the rights, granted so that PostgreSQL itself
// refuses what a role may not do:
//
//   - auditor: reads every table except the sealed private keys
//     (cert_blobs.key_sealed), and only its own row of admins; writes
//     nothing;
//   - issuer: an auditor that also issues, renews, revokes, denies and
//     signs CRLs: it inserts and updates leaf certificates only (row-level
//     security refuses CA rows), updates a CA's CRL and revocation
//     columns, never creates or renames a CA, and never touches admins;
//   - owner: everything, admins included.
//
// Tables a later schema adds are readable by auditors and open to owners
// (default privileges); what issuers may do with them is granted by the
// migration that adds them.

// Roles, as given to `certctl admin add --role`.
const (
	RoleOwner   = "owner"
	RoleIssuer  = "issuer"
	RoleAuditor = "auditor"
)

// teamSchemaVersion is the version of the team schema this build knows.
const teamSchemaVersion = "1"

const adminsDDL = `CREATE TABLE main.admins (
	name        TEXT PRIMARY KEY,
	role        TEXT NOT NULL CHECK (role IN ('owner', 'issuer', 'auditor')),
	public_key  BYTEA NOT NULL,
	private_key BYTEA NOT NULL,
	kdf         TEXT NOT NULL,
	slot        BYTEA NOT NULL,
	created_at  BIGINT NOT NULL
)`

// pgIndexes serve the sorted first page of 100,000 certificates (the
// vault file sorts them in memory fast enough; PostgreSQL reads the index).
const pgIndexes = `CREATE INDEX certs_ca_lower_cn ON main.certs (ca_id, lower(common_name));
CREATE INDEX certs_lower_cn ON main.certs (lower(common_name))`

// groupRole is the database role that carries role's rights in database db.
func groupRole(db, role string) string {
	return pgx.Identifier{db + "_" + role}.Sanitize()
}

// createGroup creates a group role unless it exists (roles outlive a
// dropped database of the same name).
func createGroup(db, role string) string {
	name := db + "_" + role
	return fmt.Sprintf(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%s') THEN CREATE ROLE %s NOLOGIN; END IF; END $$`,
		strings.ReplaceAll(name, "'", "''"), groupRole(db, role))
}

// teamGrants is the SQL that creates the group roles and grants them.
func teamGrants(db string) string {
	o, i, a := groupRole(db, RoleOwner), groupRole(db, RoleIssuer), groupRole(db, RoleAuditor)
	stmts := []string{
		createGroup(db, RoleAuditor), createGroup(db, RoleIssuer), createGroup(db, RoleOwner),
		"GRANT " + a + " TO " + i, "GRANT " + i + " TO " + o,
		"GRANT USAGE ON SCHEMA main TO " + a,
		"GRANT SELECT ON main.meta, main.cas, main.certs, main.denied_fingerprints, main.crls, main.audit, main.cert_search TO " + a,
		"GRANT SELECT (cert_id, der) ON main.cert_blobs TO " + a,
		"GRANT SELECT ON main.admins TO " + a,
		// Schema 4: profiles and each CA's default are read by everyone who
		// issues or audits, changed by owners; CAs waiting for their
		// certificate are created by owners, their sealed keys read (as
		// every sealed key) by those who hold the vault key.
		"GRANT SELECT ON main.profiles, main.ca_profiles TO " + a,
		"GRANT SELECT (id, name, csr_der, created_at) ON main.pending_cas TO " + a,
		"GRANT SELECT ON main.pending_cas TO " + i,
		"GRANT SELECT ON main.cert_blobs TO " + i,
		"GRANT INSERT, UPDATE ON main.certs, main.cert_blobs, main.cert_search, main.crls, main.audit, main.meta TO " + i,
		"GRANT INSERT, UPDATE, DELETE ON main.denied_fingerprints TO " + i,
		"GRANT UPDATE (crl_number, crl_this_update, crl_next_update, rev_count, rev_digest, mac) ON main.cas TO " + i,
		"GRANT USAGE ON ALL SEQUENCES IN SCHEMA main TO " + i,
		"GRANT ALL ON ALL TABLES IN SCHEMA main TO " + o,
		"GRANT ALL ON ALL SEQUENCES IN SCHEMA main TO " + o,
		"ALTER DEFAULT PRIVILEGES IN SCHEMA main GRANT SELECT ON TABLES TO " + a,
		"ALTER DEFAULT PRIVILEGES IN SCHEMA main GRANT ALL ON TABLES TO " + o,
		"ALTER DEFAULT PRIVILEGES IN SCHEMA main GRANT ALL ON SEQUENCES TO " + o,
		"ALTER TABLE main.certs ENABLE ROW LEVEL SECURITY",
		"CREATE POLICY certs_read ON main.certs FOR SELECT USING (true)",
		"CREATE POLICY certs_owner ON main.certs TO " + o + " USING (true) WITH CHECK (true)",
		"CREATE POLICY certs_issue ON main.certs FOR INSERT TO " + i + " WITH CHECK (is_ca = 0 AND kind <> 'ca')",
		"CREATE POLICY certs_change ON main.certs FOR UPDATE TO " + i + " USING (is_ca = 0 AND kind <> 'ca') WITH CHECK (is_ca = 0 AND kind <> 'ca')",
		"ALTER TABLE main.admins ENABLE ROW LEVEL SECURITY",
		"CREATE POLICY admins_self ON main.admins FOR SELECT USING (name = current_user)",
		"CREATE POLICY admins_owner ON main.admins TO " + o + " USING (true) WITH CHECK (true)",
		"GRANT UPDATE (private_key, kdf) ON main.admins TO " + a,
		"CREATE POLICY admins_passwd ON main.admins FOR UPDATE USING (name = current_user) WITH CHECK (name = current_user)",
		"ALTER TABLE main.meta ENABLE ROW LEVEL SECURITY",
		"CREATE POLICY meta_read ON main.meta FOR SELECT USING (true)",
		"CREATE POLICY meta_owner ON main.meta TO " + o + " USING (true) WITH CHECK (true)",
		"CREATE POLICY meta_issue ON main.meta FOR INSERT TO " + i + " WITH CHECK (name IN ('audit_head', 'denials_seal'))",
		"CREATE POLICY meta_change ON main.meta FOR UPDATE TO " + i + " USING (name IN ('audit_head', 'denials_seal')) WITH CHECK (name IN ('audit_head', 'denials_seal'))",
	}
	return strings.Join(stmts, ";\n")
}

// installTeam adds the team schema to a new PostgreSQL vault and makes the
// connected role its first owner.
func installTeam(ctx context.Context, tx *sql.Tx) error {
	var db, me string
	if err := tx.QueryRowContext(ctx, `SELECT current_database(), current_user`).Scan(&db, &me); err != nil {
		return fmt.Errorf("reading the database's name: %w", err)
	}
	if _, err := tx.ExecContext(ctx, adminsDDL+";"+pgIndexes); err != nil {
		return fmt.Errorf("creating the admins table: %w", err)
	}
	if _, err := tx.ExecContext(ctx, teamGrants(db)); err != nil {
		return fmt.Errorf("creating the vault's roles (the connected role needs CREATEROLE): %w", err)
	}
	if _, err := tx.ExecContext(ctx, "GRANT "+groupRole(db, RoleOwner)+" TO "+pgx.Identifier{me}.Sanitize()); err != nil {
		return fmt.Errorf("making %s the first owner: %w", me, err)
	}
	return setMeta(tx, "team_schema", teamSchemaVersion)
}

// checkTeamSchema refuses a team schema newer than this build knows.
func checkTeamSchema(m map[string]string) error {
	known, _ := strconv.Atoi(teamSchemaVersion)
	if v, err := strconv.Atoi(m["team_schema"]); m["team_schema"] != "" && (err != nil || v > known) {
		return fmt.Errorf("%w: the team vault has team schema %q, this build knows up to %s; update Certdesk", ErrNewerSchema, m["team_schema"], teamSchemaVersion)
	}
	return nil
}

// migrationHint explains a team vault's schema change refused for want of
// rights: only the role that owns its tables (the admin who created the
// vault) may change them.
func migrationHint(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42501" {
		return " (only the admin who created this team vault owns its tables: they open it once with this Certdesk, then everyone can)"
	}
	return ""
}
