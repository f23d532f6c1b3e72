package vault

// hierarchySchema is the migration to schema 4: CAs waiting for their
// certificate from a root the vault does not hold (their key sealed like
// every other), named issuance profiles, and each CA's default profile.
const hierarchySchema = `
CREATE TABLE pending_cas (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	csr_der    BLOB NOT NULL,
	key_sealed BLOB NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE TABLE profiles (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	spec       TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE TABLE ca_profiles (
	ca_id      INTEGER PRIMARY KEY,
	profile_id INTEGER NOT NULL
);
`
