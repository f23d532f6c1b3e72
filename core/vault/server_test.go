package vault

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"certdesk/core/pki"
)

// TestTeamVaultLifecycle runs a passphrase-protected vault on a real
// PostgreSQL: create, refuse to create twice, open locked, unlock, issue,
// revoke, sign CRLs, and check every MAC and the audit chain.
func TestTeamVaultLifecycle(t *testing.T) {
	url := newPGVaultURL(t)
	pass := []byte("quartz meadow lantern orbit")
	v := vaultAt(t, url, pass)
	ca := newCA(t, v, "Team CA")
	alice, err := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Alice"}})
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	if _, err := Create(url, pass, CreateOptions{}); !errors.Is(err, ErrExists) {
		t.Errorf("creating a second vault in the database: %v", err)
	}
	w, err := Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if strings.Contains(w.Path(), "password") || !IsURL(w.Path()) {
		t.Errorf("Path() = %q", w.Path())
	}
	if err := w.Unlock([]byte("wrong horse battery")); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("wrong passphrase: %v", err)
	}
	if err := w.Unlock(pass); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Revoke(ctx, alice.ID, 1); err != nil {
		t.Fatal(err)
	}
	var numbers []int64
	for range 3 {
		crl, err := w.SignCRL(ctx, ca, 0)
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, crl.Number)
	}
	if numbers[0] >= numbers[1] || numbers[1] >= numbers[2] {
		t.Errorf("CRL numbers %v are not increasing", numbers)
	}
	if _, err := w.PrivateKey(ctx, alice.ID); err != nil {
		t.Errorf("unsealing Alice's key: %v", err)
	}
	rep, err := w.CheckAll(ctx, CheckOptions{Full: true})
	if err != nil || len(rep.Problems) > 0 {
		t.Errorf("check: %+v %v", rep.Problems, err)
	}
	if chain, err := w.VerifyAudit(ctx); err != nil || !chain.Intact || chain.Entries < 4 {
		t.Errorf("audit chain: %+v %v", chain, err)
	}
}

// TestTeamVaultRefusals: a database without a vault, a newer schema, a
// raw change outside the write path, and a raw change that knows the
// trick of the triggers (caught by the MACs).
func TestTeamVaultRefusals(t *testing.T) {
	if _, err := Open(newPGVaultURL(t)); !errors.Is(err, ErrNoVault) {
		t.Errorf("opening an empty database: %v", err)
	}
	v := newPGVault(t)
	ca := newCA(t, v, "Acme")
	alice, _ := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Alice"}})
	if _, err := v.Revoke(ctx, alice.ID, 1); err != nil {
		t.Fatal(err)
	}
	plain, err := openPostgres(v.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if _, err := plain.Exec(`UPDATE certs SET revoked_at = NULL WHERE id = ?`, alice.ID); err == nil {
		t.Error("PostgreSQL let a change outside the vault's write path through")
	}
	mustExec(t, rawPG(t, v.Path()), `UPDATE certs SET revoked_at = NULL, revocation_reason = NULL WHERE id = ?`, alice.ID)
	if _, err := v.CAs(ctx); !errors.Is(err, ErrTampered) {
		t.Errorf("a revocation dropped with raw SQL: %v", err)
	}
	mustExec(t, plain, `UPDATE meta SET value = '2' WHERE name = 'team_schema'`)
	if _, err := Open(v.Path()); !errors.Is(err, ErrNewerSchema) {
		t.Errorf("opening a newer team schema: %v", err)
	}
	mustExec(t, plain, `UPDATE meta SET value = ? WHERE name = 'team_schema'`, teamSchemaVersion)
	mustExec(t, plain, `UPDATE meta SET value = ? WHERE name = 'schema_version'`, strconv.Itoa(SchemaVersion+1))
	if _, err := Open(v.Path()); !errors.Is(err, ErrNewerSchema) {
		t.Errorf("opening a newer schema: %v", err)
	}
}

// TestTeamVaultRecreated: the group roles outlive a vault's schema (and a
// dropped database of the same name); a new vault there reuses them.
func TestTeamVaultRecreated(t *testing.T) {
	url := newPGVaultURL(t)
	pass := []byte("quartz meadow lantern orbit")
	vaultAt(t, url, pass).Close()
	if err := sharedPG(t).ExecURL(url, `DROP SCHEMA main CASCADE`); err != nil {
		t.Fatal(err)
	}
	w, err := Create(url, pass, CreateOptions{})
	if err != nil {
		t.Fatalf("a new vault where the roles exist: %v", err)
	}
	w.Close()
}

func newPGVault(t *testing.T) *Vault {
	t.Helper()
	return vaultAt(t, newPGVaultURL(t), nil)
}
