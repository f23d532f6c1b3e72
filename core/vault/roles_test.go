package vault

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"certdesk/core/pgtest"
	"certdesk/core/pki"
)

// team is a team vault with an owner (alice), an issuer (ivan) and an
// auditor (audrey), each connecting as their own database role.
type team struct {
	pg  *pgtest.Server
	db  string
	ca  CA
	url map[string]string
}

var teamPass = map[string][]byte{
	"alice":  []byte("quartz meadow lantern orbit"),
	"ivan":   []byte("copper violin harbour tulip"),
	"audrey": []byte("granite pepper saddle moon"),
}

func newTeam(t testing.TB) *team {
	t.Helper()
	pg := sharedPG(t)
	url := pg.NewDatabase(t, "alice")
	tm := &team{pg: pg, db: strings.TrimPrefix(strings.SplitN(url, "?", 2)[0], "postgres:///"), url: map[string]string{"alice": url}}
	owner, err := Create(url, teamPass["alice"], CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	tm.ca = newCA(t, owner, "Team CA")
	for name, role := range map[string]string{"ivan": RoleIssuer, "audrey": RoleAuditor} {
		if err := owner.AddAdmin(ctx, name, role, teamPass[name]); err != nil {
			t.Fatalf("adding %s: %v", name, err)
		}
		tm.url[name] = pg.URL(tm.db, name)
	}
	return tm
}

// as opens the vault as an admin, unlocked with their passphrase.
func (tm *team) as(t *testing.T, name string) *Vault {
	t.Helper()
	v, err := OpenUnlocked(tm.url[name], teamPass[name])
	if err != nil {
		t.Fatalf("%s opens the vault: %v", name, err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// rawSQL runs one statement as an admin's database role, with the
// integrity triggers' tables in place, and returns rows affected.
func (tm *team) rawSQL(t *testing.T, name, sql string) (int64, error) {
	t.Helper()
	c, err := pgx.Connect(ctx, tm.url[name])
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	for _, q := range trackSetup(true) {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	tag, err := c.Exec(ctx, sql)
	return tag.RowsAffected(), err
}

func isDenied(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "42501" || pe.Code == "42P01")
}

// TestRolesRefusedByPostgreSQL tries each role's forbidden actions as raw
// SQL on that role's own connection: PostgreSQL refuses them.
func TestRolesRefusedByPostgreSQL(t *testing.T) {
	tm := newTeam(t)
	ivan := tm.as(t, "ivan")
	bob, err := ivan.IssuePerson(ctx, tm.ca, pki.PersonRequest{Name: pki.Name{CommonName: "Bob"}})
	if err != nil {
		t.Fatalf("the issuer issues: %v", err)
	}
	carol, _ := ivan.IssuePerson(ctx, tm.ca, pki.PersonRequest{Name: pki.Name{CommonName: "Carol"}})
	if _, err := ivan.Revoke(ctx, carol.ID, 1); err != nil {
		t.Errorf("the issuer revokes: %v", err)
	}
	if _, err := ivan.SignCRL(ctx, tm.ca, 0); err != nil {
		t.Errorf("the issuer signs a CRL: %v", err)
	}
	denied := []struct{ who, sql string }{
		{"audrey", `SELECT key_sealed FROM main.cert_blobs`},
		{"audrey", `UPDATE main.certs SET revoked_at = NULL`},
		{"audrey", `INSERT INTO main.audit (id, at, actor, action) VALUES (999, 0, 'x', 'x')`},
		{"audrey", `DELETE FROM main.denied_fingerprints`},
		{"ivan", `INSERT INTO main.cas (name, created_at) VALUES ('Rogue CA', 0)`},
		{"ivan", `UPDATE main.cas SET name = 'Renamed'`},
		{"ivan", `DELETE FROM main.cas`},
		{"ivan", `DELETE FROM main.certs`},
		{"ivan", `INSERT INTO main.admins (name, role, public_key, private_key, kdf, slot, created_at) VALUES ('mallory', 'owner', '', '', '', '', 0)`},
		{"ivan", `UPDATE main.admins SET role = 'owner'`},
		{"ivan", `DELETE FROM main.admins`},
	}
	for _, d := range denied {
		if _, err := tm.rawSQL(t, d.who, d.sql); !isDenied(err) {
			t.Errorf("%s: %s: want permission denied, got %v", d.who, d.sql, err)
		}
	}
	// Row-level security: the rows are simply not theirs to change or see.
	silent := []struct{ who, sql string }{
		{"ivan", `UPDATE main.certs SET common_name = 'x' WHERE is_ca = 1`},
		{"ivan", `UPDATE main.meta SET value = '99' WHERE name = 'schema_version'`},
		{"audrey", `SELECT slot FROM main.admins WHERE name <> 'audrey'`},
		{"ivan", `SELECT slot FROM main.admins WHERE name <> 'ivan'`},
	}
	for _, d := range silent {
		if n, err := tm.rawSQL(t, d.who, d.sql); err != nil || n != 0 {
			t.Errorf("%s: %s: %d rows, %v; want 0 rows", d.who, d.sql, n, err)
		}
	}
	if n, err := tm.rawSQL(t, "ivan", `UPDATE main.certs SET organization = organization WHERE id = `+strconv.FormatInt(bob.ID, 10)); err != nil || n != 1 {
		t.Errorf("the issuer's own kind of change was refused: %d %v", n, err)
	}
	// Through the vault: the same refusals, as errors.
	if _, err := ivan.CreateCA(ctx, "Rogue", pki.CARequest{}); err == nil {
		t.Error("the issuer created a CA")
	}
	if err := ivan.AddAdmin(ctx, "mallory", RoleOwner, []byte("tiger orchid canal frost")); err == nil {
		t.Error("the issuer added an admin")
	}
	audrey := tm.as(t, "audrey")
	newPass := []byte("walnut glacier ribbon sonnet")
	if err := audrey.ChangePassphrase(ctx, newPass); err != nil {
		t.Fatalf("the auditor changes her passphrase: %v", err)
	}
	if _, err := OpenUnlocked(tm.url["audrey"], teamPass["audrey"]); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("the auditor's old passphrase: %v", err)
	}
	if a, err := OpenUnlocked(tm.url["audrey"], newPass); err != nil {
		t.Errorf("the auditor's new passphrase: %v", err)
	} else {
		a.Close()
	}
	if audrey.Unlocked() || audrey.Assurance() != Authenticated {
		t.Errorf("auditor: unlocked %v, assurance %v; want keys closed, records authenticated", audrey.Unlocked(), audrey.Assurance())
	}
	if _, err := audrey.PrivateKey(ctx, bob.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("the auditor read a private key: %v", err)
	}
	if _, err := audrey.Revoke(ctx, bob.ID, 1); err == nil {
		t.Error("the auditor revoked")
	}
	if rep, err := audrey.CheckAll(ctx, CheckOptions{}); err != nil || len(rep.Problems) > 0 {
		t.Errorf("the auditor's check: %+v %v", rep.Problems, err)
	}
	if chain, err := audrey.VerifyAudit(ctx); err != nil || !chain.Intact {
		t.Errorf("the auditor's audit check: %+v %v", chain, err)
	}
	log, _ := audrey.Audit(ctx, 0, 0)
	if len(log) == 0 || !strings.HasPrefix(log[0].Actor, "ivan [issuer]") {
		t.Errorf("the newest audit entry does not name the issuer: %+v", log)
	}
}

// TestAdminRemoveRotatesTheKey: after `admin remove`, the removed admin
// connects to nothing, their old slot yields a key that opens no private
// key, and the others open keys sealed before and after.
func TestAdminRemoveRotatesTheKey(t *testing.T) {
	tm := newTeam(t)
	alice := tm.as(t, "alice")
	before, _ := alice.IssuePerson(ctx, tm.ca, pki.PersonRequest{Name: pki.Name{CommonName: "Before"}})
	var keys slotKeys
	var kdf string
	var slot []byte
	if err := alice.db.QueryRow(`SELECT public_key, private_key, kdf, slot FROM admins WHERE name = 'ivan'`).Scan(&keys.Public, &keys.PrivSealed, &kdf, &slot); err != nil {
		t.Fatal(err)
	}
	keys.KDF, _ = decodeKDF(kdf)
	stale := tm.as(t, "alice") // a second session of the owner, unlocked before the rotation
	n, err := alice.RemoveAdmin(ctx, "ivan")
	if err != nil || n < 2 {
		t.Fatalf("remove: %d keys re-sealed, %v", n, err)
	}
	if _, err := OpenUnlocked(tm.url["ivan"], teamPass["ivan"]); err == nil {
		t.Error("the removed issuer still unlocks")
	}
	priv, err := keys.private(teamPass["ivan"])
	if err != nil {
		t.Fatal(err)
	}
	oldKey, err := openSlot(priv, slot, "ivan issuer")
	if err != nil {
		t.Fatal(err)
	}
	var sealed []byte
	var fp string
	alice.db.QueryRow(`SELECT b.key_sealed, c.fingerprint_sha256 FROM cert_blobs b JOIN certs c ON c.id = b.cert_id WHERE c.id = ?`, before.ID).Scan(&sealed, &fp)
	if _, err := open(oldKey, sealed, keyAADPrefix+fp); err == nil {
		t.Error("the removed admin's copied slot still opens a private key")
	}
	// A session unlocked before the rotation: its first write reads the
	// CA's record, whose MAC no longer matches the old key; the session
	// finds the key epoch moved on, reopens its own slot and works under
	// the new key (rotation_test.go tests the reads).
	if _, err := stale.IssuePerson(ctx, tm.ca, pki.PersonRequest{Name: pki.Name{CommonName: "Stale"}}); err != nil {
		t.Errorf("a session unlocked before the rotation did not follow it: %v", err)
	}
	if _, err := stale.DenyFingerprint(ctx, pki.HexToColon("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"), 1, ""); err != nil {
		t.Errorf("a session that followed the rotation cannot write: %v", err)
	}
	after, err := alice.IssuePerson(ctx, tm.ca, pki.PersonRequest{Name: pki.Name{CommonName: "After"}})
	if err != nil {
		t.Fatal(err)
	}
	again := tm.as(t, "alice")
	for _, r := range []Record{before, after} {
		if _, err := again.PrivateKey(ctx, r.ID); err != nil {
			t.Errorf("the owner opens %s's key: %v", r.CommonName, err)
		}
	}
	audrey := tm.as(t, "audrey")
	if chain, err := audrey.VerifyAudit(ctx); err != nil || !chain.Intact {
		t.Errorf("the auditor's audit check after the rotation: %+v %v", chain, err)
	}
	if err := audrey.ChangePassphrase(ctx, []byte("walnut glacier ribbon sonnet")); err != nil {
		t.Errorf("the auditor changes her passphrase after the rotation: %v", err)
	}
	if _, err := tm.rawSQL(t, "ivan", `SELECT count(*) FROM main.certs`); !isDenied(err) {
		t.Errorf("the removed issuer's role still reads: %v", err)
	}
	if _, err := alice.RemoveAdmin(ctx, "alice"); err == nil {
		t.Error("the last owner was removed")
	}
}
