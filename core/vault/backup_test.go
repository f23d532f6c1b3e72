package vault

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certdesk/core/export"
	"certdesk/core/pki"
)

func TestBackupAndRestore(t *testing.T) {
	v, ca, alice := newProtected(t, "correct horse")
	dir := filepath.Dir(v.Path())
	v.Revoke(ctx, alice.ID, 1)
	v.SignCRL(ctx, ca, 0)

	backup := filepath.Join(dir, "backup.db")
	if err := v.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(backup); st.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v", st.Mode().Perm())
	}
	if err := v.Backup(ctx, backup); err == nil {
		t.Error("a backup overwrote an existing file")
	}
	restored := filepath.Join(dir, "restored", "vault.db")
	pass := func() ([]byte, error) { return []byte("correct horse"), nil }
	if err := Restore(ctx, backup, restored, pass); err != nil {
		t.Fatal(err)
	}
	if err := Restore(ctx, backup, restored, pass); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("restore over a vault: %v", err)
	}
	r := unlocked(t, restored, []byte("correct horse"))
	if err := r.Check(ctx); err != nil {
		t.Fatal(err)
	}
	want, _ := v.List(ctx, Filter{})
	got, _ := r.List(ctx, Filter{})
	if len(got) != len(want) {
		t.Fatalf("%d certificates restored, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].FingerprintSHA256 != want[i].FingerprintSHA256 || got[i].Revoked() != want[i].Revoked() {
			t.Errorf("certificate %d differs after restore", i)
		}
	}
	k1, _ := v.PrivateKey(ctx, alice.ID)
	k2, err := r.PrivateKey(ctx, alice.ID)
	if err != nil || pki.PublicKeySHA256(k1.Public()) != pki.PublicKeySHA256(k2.Public()) {
		t.Errorf("restored key: %v", err)
	}
	rca, _ := r.CAByName(ctx, "Acme")
	if rca.CRLNumber != 1 {
		t.Errorf("CRL number %d after restore", rca.CRLNumber)
	}
	a1, _ := v.Audit(ctx, 0, 0)
	a2, _ := r.Audit(ctx, 0, 0)
	if len(a1) != len(a2) {
		t.Errorf("audit trail: %d entries, restored %d", len(a1), len(a2))
	}
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte(strings.Repeat("x", 4096)), 0o600)
	if err := Restore(ctx, garbage, filepath.Join(dir, "g2.db"), pass); err == nil {
		t.Error("a garbage backup was restored")
	}
}

// TestNoPlaintextKeys scans the vault, a backup and the protected exports
// for every private key the test made: its PKCS#8 DER, its raw secret
// scalar, and an unencrypted PEM header.
func TestNoPlaintextKeys(t *testing.T) {
	v, ca, alice := newProtected(t, "correct horse")
	dir := filepath.Dir(v.Path())
	ids := []int64{alice.ID}
	for _, kt := range []pki.KeyType{pki.ECDSAP256, pki.Ed25519, pki.RSA2048} {
		r, err := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Key " + string(kt)}, KeyType: kt})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	ids = append(ids, ca.CertID)
	backup := filepath.Join(dir, "backup.db")
	if err := v.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(dir, "v.db"), backup}
	var secrets [][]byte
	for _, id := range ids {
		key, err := v.PrivateKey(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		der, _ := x509.MarshalPKCS8PrivateKey(key)
		secrets = append(secrets, der)
		switch k := key.(type) {
		case *ecdsa.PrivateKey:
			b, _ := k.Bytes()
			secrets = append(secrets, b)
		case ed25519.PrivateKey:
			secrets = append(secrets, k.Seed())
		}
		cert, _ := v.Certificate(ctx, id)
		m := export.Material{Cert: cert, Key: key}
		for i, opts := range []struct {
			f export.Format
			o export.Options
		}{
			{export.P12, export.Options{Password: "pw", Preset: export.Compatible}},
			{export.P12, export.Options{Password: "pw", Preset: export.Modern}},
			{export.Key, export.Options{Password: "pw"}},
			{export.Bundle, export.Options{Password: "pw"}},
		} {
			data, err := export.Encode(m, opts.f, opts.o)
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, strings.ReplaceAll(cert.Subject.CommonName, " ", "_")+string(rune('a'+i)))
			if err := export.WriteFile(p, data, true, false); err != nil {
				t.Fatal(err)
			}
			files = append(files, p)
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range secrets {
			if bytes.Contains(data, s) {
				t.Errorf("%s holds secret %d in the clear", filepath.Base(f), i)
			}
		}
		if bytes.Contains(data, []byte("BEGIN PRIVATE KEY")) || bytes.Contains(data, []byte("BEGIN EC PRIVATE KEY")) || bytes.Contains(data, []byte("BEGIN RSA PRIVATE KEY")) {
			t.Errorf("%s holds an unencrypted PEM key", filepath.Base(f))
		}
		if st, _ := os.Stat(f); st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", filepath.Base(f), st.Mode().Perm())
		}
	}
}
