package vault

import (
	"crypto/rand"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"certdesk/core/pki"
)

// legacyVault builds a vault file the way builds before schema 3 wrote it,
// at schema version `schema` (1 or 2): the vault key wrapped with the old
// associated data, no MACs, an audit trail without links. It returns the
// path and the vault key.
func legacyVault(t *testing.T, schema int, passphrase string) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "legacy.db")
	f, _ := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	f.Close()
	v, err := openDB(path)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := migrateTo(ctx, v.db, 0, schema); err != nil {
		t.Fatal(err)
	}
	params, _ := newKDFParams(false)
	params.LogN = minLogN // fast, still within bounds
	kek, _ := params.derive([]byte(passphrase))
	vaultKey := make([]byte, 32)
	rand.Read(vaultKey)
	wrapped, _ := seal(kek, vaultKey, vaultKeyAAD)
	m := params.meta()
	m["vault_key"] = encodeB64(wrapped)
	for k, val := range m {
		if _, err := v.db.Exec(`INSERT INTO meta (name, value) VALUES (?, ?)`, k, val); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := v.db.Exec(`INSERT INTO audit (at, actor, action, detail) VALUES (1, 'old', 'vault.create', 'passphrase-protected')`); err != nil {
		t.Fatal(err)
	}
	return path, vaultKey
}

// legacyInsert stores a certificate as schema 1 or 2 did.
func legacyInsert(t *testing.T, path string, schema int, vaultKey []byte, id, caID int64, kind Kind, is *pki.Issued, revoked bool) {
	t.Helper()
	v, err := openDB(path)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	r := recordFromCert(is.Cert, kind)
	keyDER, _ := x509.MarshalPKCS8PrivateKey(is.Key)
	sealed, err := seal(vaultKey, keyDER, keyAADPrefix+r.FingerprintSHA256)
	if err != nil {
		t.Fatal(err)
	}
	var revokedAt any
	if revoked {
		revokedAt = time.Now().Unix()
	}
	cols := `id, ca_id, kind, common_name, subject, issuer, issuer_common_name, serial, not_before, not_after,
		key_type, fingerprint_sha256, fingerprint_sha1, is_ca, created_at, revoked_at, revocation_reason`
	args := []any{id, caID, string(kind), r.CommonName, r.Subject, r.Issuer, r.IssuerCommonName, r.Serial, r.NotBefore.Unix(), r.NotAfter.Unix(),
		r.KeyType, r.FingerprintSHA256, r.FingerprintSHA1, r.IsCA, 0, revokedAt, map[bool]any{true: 1, false: nil}[revoked]}
	marks := "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
	if schema == 1 {
		cols += ", search_text, der, key_sealed"
		marks += ", ?, ?, ?"
		args = append(args, r.searchText(), is.Cert.Raw, sealed)
	} else {
		cols += ", has_key"
		marks += ", 1"
	}
	if _, err := v.db.Exec(`INSERT INTO certs (`+cols+`) VALUES (`+marks+`)`, args...); err != nil {
		t.Fatal(err)
	}
	if schema == 2 {
		if _, err := v.db.Exec(`INSERT INTO cert_blobs (cert_id, der, key_sealed) VALUES (?, ?, ?)`, id, is.Cert.Raw, sealed); err != nil {
			t.Fatal(err)
		}
		if _, err := v.db.Exec(`INSERT INTO cert_search (cert_id, text) VALUES (?, ?)`, id, r.searchText()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := v.db.Exec(`INSERT INTO audit (at, actor, action, ca_id, cert_id, detail) VALUES (2, 'old', 'cert.issue', ?, ?, 'old')`, caID, id); err != nil {
		t.Fatal(err)
	}
}

// legacyWithCA makes a legacy vault holding CA "Old" (id 1), a valid leaf
// (id 2) and a revoked one (id 3), and a deny-list entry.
func legacyWithCA(t *testing.T, schema int) string {
	path, vk := legacyVault(t, schema, "old passphrase")
	now := time.Now()
	ca, err := pki.NewCA(pki.CARequest{Name: pki.Name{CommonName: "Old CA"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	auth := pki.Authority{Cert: ca.Cert, Key: ca.Key}
	db, _ := openDB(path)
	if _, err := db.db.Exec(`INSERT INTO cas (id, name, cert_id, created_at) VALUES (1, 'Old', 1, 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.db.Exec(`INSERT INTO denied_fingerprints (fingerprint_sha256, reason, revoked_at) VALUES (?, 1, 5)`, pki.HexToColon("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789AB")); err != nil {
		t.Fatal(err)
	}
	db.Close()
	legacyInsert(t, path, schema, vk, 1, 1, KindCA, ca, false)
	for id, revoked := range map[int64]bool{2: false, 3: true} {
		leaf, err := auth.IssuePerson(pki.PersonRequest{Name: pki.Name{CommonName: "Person " + string(rune('0'+id))}}, now)
		if err != nil {
			t.Fatal(err)
		}
		legacyInsert(t, path, schema, vk, id, 1, KindClient, leaf, revoked)
	}
	return path
}

// TestMigrateFromSchema1 and 2: an older vault migrates on open; locked it
// reads with fingerprint checks only; its first unlock seals every record
// (MACs, revocation digest, audit chain) and it then checks clean, issues
// and signs CRLs that still list its old revocation.
func TestMigrateFromOlderSchemas(t *testing.T) {
	for _, schema := range []int{1, 2} {
		t.Run(map[int]string{1: "schema1", 2: "schema2"}[schema], func(t *testing.T) {
			path := legacyWithCA(t, schema)
			v, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := schemaVersion(ctx, v.db); got != SchemaVersion {
				t.Fatalf("schema %d after open, want %d", got, SchemaVersion)
			}
			if v.Assurance() != FingerprintChecked {
				t.Errorf("locked assurance %v", v.Assurance())
			}
			if _, err := v.Certificate(ctx, 2); err != nil {
				t.Fatalf("locked read of a migrated certificate: %v", err)
			}
			if err := v.Unlock([]byte("old passphrase")); err != nil {
				t.Fatal(err)
			}
			if v.Assurance() != Authenticated {
				t.Errorf("unlocked assurance %v", v.Assurance())
			}
			r, err := v.CheckAll(ctx, CheckOptions{Full: true})
			if err != nil || len(r.Problems) != 0 || !r.Audit.Intact || r.Revocations != 1 || r.Denials != 1 {
				t.Fatalf("check after sealing: %+v %v", r, err)
			}
			old, err := v.CAByName(ctx, "Old")
			if err != nil || !old.Cert.HasKey {
				t.Fatalf("CA after migration: %+v %v", old, err)
			}
			if _, err := v.IssuePerson(ctx, old, pki.PersonRequest{Name: pki.Name{CommonName: "After migration"}, Validity: pki.Validity{Days: 30}}); err != nil {
				t.Fatalf("the migrated CA cannot sign: %v", err)
			}
			crl, err := v.SignCRL(ctx, old, 0)
			if err != nil || crl.Entries != 1 {
				t.Fatalf("CRL after migration: %d entries, %v", crl.Entries, err)
			}
			v.Close()
			// Sealed once: the key now opens only with the sealed binding,
			// and a second unlock seals nothing again.
			v2 := unlocked(t, path, []byte("old passphrase"))
			if err := v2.Check(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestStrippedMACsAreNotLegacy: removing every MAC from a sealed vault does
// not make it pass for an old one (which would be re-sealed as it is).
func TestStrippedMACsAreNotLegacy(t *testing.T) {
	path := legacyWithCA(t, 2)
	v, err := OpenUnlocked(path, []byte("old passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	v.db.Exec(`UPDATE certs SET mac = NULL, revoked_at = NULL, revocation_reason = NULL`)
	v.db.Exec(`UPDATE cas SET mac = NULL, rev_count = 0, rev_digest = ''`)
	v.Close()
	v = unlocked(t, path, []byte("old passphrase"))
	if _, err := v.CAs(ctx); !errors.Is(err, ErrTampered) {
		t.Errorf("CAs of a stripped vault: %v, want ErrTampered", err)
	}
	if err := v.Check(ctx); !errors.Is(err, ErrTampered) {
		t.Errorf("check of a stripped vault: %v", err)
	}
}
