package vault

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"crypto/x509"

	"certdesk/core/pki"
)

// TestMigrateFromSchema1 builds a vault as the first schema stored it
// (certificate bytes and sealed keys inside the certs table), then opens it
// with this build: it migrates, and every certificate keeps its key.
func TestMigrateFromSchema1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	f, _ := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	f.Close()
	v, err := openDB(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := migrateTo(ctx, v.db, 0, 1); err != nil {
		t.Fatal(err)
	}
	if err := v.initialiseKeyring([]byte("old passphrase"), CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ca, err := pki.NewCA(pki.CARequest{Name: pki.Name{CommonName: "Old CA"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r := recordFromCert(ca.Cert, KindCA)
	keyDER, _ := x509.MarshalPKCS8PrivateKey(ca.Key)
	sealed, err := seal(v.vaultKey, keyDER, keyAADPrefix+r.FingerprintSHA256)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.db.Exec(`INSERT INTO cas (id, name, cert_id, created_at) VALUES (1, 'Old', 1, 0)`); err != nil {
		t.Fatal(err)
	}
	_, err = v.db.Exec(`INSERT INTO certs (id, ca_id, kind, common_name, subject, issuer, issuer_common_name, serial, not_before, not_after,
		key_type, fingerprint_sha256, fingerprint_sha1, is_ca, search_text, der, key_sealed, created_at)
		VALUES (1, 1, 'ca', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, 0)`,
		r.CommonName, r.Subject, r.Issuer, r.IssuerCommonName, r.Serial, r.NotBefore.Unix(), r.NotAfter.Unix(),
		r.KeyType, r.FingerprintSHA256, r.FingerprintSHA1, r.searchText(), ca.Cert.Raw, sealed)
	if err != nil {
		t.Fatal(err)
	}
	v.Close()

	v2, err := OpenUnlocked(path, []byte("old passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	defer v2.Close()
	if got, _ := schemaVersion(ctx, v2.db); got != SchemaVersion {
		t.Fatalf("schema %d after open, want %d", got, SchemaVersion)
	}
	old, err := v2.CAByName(ctx, "Old")
	if err != nil || !old.Cert.HasKey {
		t.Fatalf("CA after migration: %+v %v", old, err)
	}
	if _, err := v2.IssuePerson(ctx, old, pki.PersonRequest{Name: pki.Name{CommonName: "After migration"}, Validity: pki.Validity{Days: 30}}); err != nil {
		t.Fatalf("the migrated CA cannot sign: %v", err)
	}
}
