package vault

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certdesk/core/pki"
)

func newProtected(t *testing.T, pass string) (*Vault, CA, Record) {
	t.Helper()
	v := vaultAt(t, filepath.Join(t.TempDir(), "v.db"), []byte(pass))
	ca := newCA(t, v, "Acme")
	return v, ca, issuedBy(t, v, ca, "Alice")
}

func TestChangePassphrase(t *testing.T) {
	v, _, alice := newProtected(t, "correct horse battery")
	path := v.Path()
	if err := v.ChangePassphrase(ctx, []byte("abc")); !errors.Is(err, ErrWeakPassphrase) {
		t.Errorf("a weak new passphrase: %v", err)
	}
	// A failure inside the transaction leaves the old passphrase.
	failPoint = func(string) error { return errors.New("injected failure") }
	err := v.ChangePassphrase(ctx, []byte("sunny giraffe lamp 71"))
	failPoint = nil
	if err == nil {
		t.Fatal("the injected failure was not reported")
	}
	if _, err := OpenUnlocked(path, []byte("sunny giraffe lamp 71")); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("new passphrase after a failed change: %v", err)
	}
	if err := v.ChangePassphrase(ctx, []byte("sunny giraffe lamp 71")); err != nil {
		t.Fatal(err)
	}
	v.Close()
	if _, err := OpenUnlocked(path, []byte("correct horse battery")); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("old passphrase after the change: %v", err)
	}
	w := unlocked(t, path, []byte("sunny giraffe lamp 71"))
	if _, err := w.PrivateKey(ctx, alice.ID); err != nil {
		t.Errorf("keys after the change: %v", err)
	}
	if err := w.Check(ctx); err != nil {
		t.Error(err)
	}
	if e, _ := w.Audit(ctx, 0, 1); len(e) != 1 || e[0].Action != "vault.passwd" {
		t.Errorf("audit: %+v", e)
	}
}

func TestRekey(t *testing.T) {
	v, ca, alice := newProtected(t, "correct horse battery")
	pass := []byte("correct horse battery")
	before, _ := v.PrivateKey(ctx, alice.ID)
	oldKey := append([]byte(nil), v.vaultKey...)
	var sealedBefore []byte
	v.db.QueryRow(`SELECT key_sealed FROM cert_blobs WHERE cert_id = ?`, alice.ID).Scan(&sealedBefore)
	if _, err := v.Rekey(ctx, []byte("wrong passphrase!!")); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("rekey with a wrong passphrase: %v", err)
	}
	failPoint = func(string) error { return errors.New("injected failure") }
	_, err := v.Rekey(ctx, pass)
	failPoint = nil
	if err == nil {
		t.Fatal("the injected failure was not reported")
	}
	if err := v.Check(ctx); err != nil {
		t.Fatalf("after a failed rekey: %v", err)
	}
	n, err := v.Rekey(ctx, pass)
	if err != nil || n != 2 {
		t.Fatalf("rekey: %d keys, %v", n, err)
	}
	var sealedAfter []byte
	v.db.QueryRow(`SELECT key_sealed FROM cert_blobs WHERE cert_id = ?`, alice.ID).Scan(&sealedAfter)
	if string(sealedAfter) == string(sealedBefore) {
		t.Error("the private key was not re-sealed")
	}
	path := v.Path()
	v.Close()
	w := unlocked(t, path, pass)
	after, err := w.PrivateKey(ctx, alice.ID)
	if err != nil || pki.PublicKeySHA256(after.Public()) != pki.PublicKeySHA256(before.Public()) {
		t.Fatalf("key after rekey: %v", err)
	}
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := w.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Bob"}}); err != nil {
		t.Errorf("issuing after rekey: %v", err)
	}
	// The old vault key no longer opens the re-sealed key.
	if _, err := open(oldKey, sealedAfter, keyAADPrefix+alice.FingerprintSHA256); err == nil {
		t.Error("the old vault key still opens a re-sealed private key")
	}
}

// TestKeyMaterialDamage: damaged KDF settings or sealed key are ErrDamaged,
// promptly, never an out-of-memory or "wrong passphrase".
func TestKeyMaterialDamage(t *testing.T) {
	tests := []struct {
		name, meta, value string
	}{
		{"huge r", "kdf_r", "1048576"},
		{"huge N", "kdf_log_n", "40"},
		{"huge p", "kdf_p", "1000000"},
		{"r too big for N", "kdf_r", "32"}, // 128·2^17·32 = 512 MiB is allowed, see below
		{"not a number", "kdf_r", "eight"},
		{"no salt", "kdf_salt", ""},
		{"sealed key flipped", "vault_key", ""},
		{"sealed key not base64", "vault_key", "%%%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, _, _ := newProtected(t, "correct horse battery")
			path := v.Path()
			v.Close()
			db := rawDB(t, path)
			switch {
			case tt.name == "sealed key flipped":
				var s string
				db.QueryRow(`SELECT value FROM meta WHERE name = 'vault_key'`).Scan(&s)
				b, _ := decodeB64(s)
				b[len(b)/2] ^= 1
				mustExec(t, db, `UPDATE meta SET value = ? WHERE name = 'vault_key'`, encodeB64(b))
			case tt.name == "r too big for N":
				mustExec(t, db, `UPDATE meta SET value = '20' WHERE name = 'kdf_log_n'`) // 128·2^20·32 = 4 GiB
				mustExec(t, db, `UPDATE meta SET value = ? WHERE name = ?`, tt.value, tt.meta)
			default:
				mustExec(t, db, `UPDATE meta SET value = ? WHERE name = ?`, tt.value, tt.meta)
			}
			start := time.Now()
			_, err := OpenUnlocked(path, []byte("correct horse battery"))
			if !errors.Is(err, ErrDamaged) || errors.Is(err, ErrWrongPassphrase) {
				t.Errorf("unlock: %v, want ErrDamaged", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("unlock of damaged settings took %v", d)
			}
			w, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if r, _ := w.CheckAll(ctx, CheckOptions{}); len(r.Problems) == 0 || r.Problems[0].Kind != "key" {
				t.Errorf("check: %+v", r.Problems)
			}
		})
	}
	v, _, _ := newProtected(t, "correct horse battery")
	path := v.Path()
	v.Close()
	if _, err := OpenUnlocked(path, []byte("correct horse batterx")); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("a wrong passphrase: %v", err)
	}
}

func TestPassphraseGivenToInsecureVault(t *testing.T) {
	v := newVault(t)
	path := v.Path()
	v.Close()
	if _, err := OpenUnlocked(path, []byte("correct horse battery")); !errors.Is(err, ErrNoPassphraseVault) {
		t.Errorf("passphrase for an insecure vault: %v", err)
	}
	w := unlocked(t, path, nil)
	if err := w.ChangePassphrase(ctx, []byte("correct horse battery")); !errors.Is(err, ErrNoPassphraseVault) {
		t.Errorf("passwd on an insecure vault: %v", err)
	}
}

func TestPassphrasePolicy(t *testing.T) {
	tests := []struct {
		pass string
		ok   bool
	}{
		{"x", false},
		{"password", false},
		{"password123", false},
		{"hunter2hunter2", false},
		{"qwertyuiop", false},
		{"aaaaaaaaaaaa", false},
		{"20261201", false},
		{"correct horse battery", true},
		{"sunny giraffe lamp 71", true},
		{"kD9#mq2!xvL", true},
		{strings.Repeat("long passphrase with many words ", 20), true},
	}
	for _, tt := range tests {
		err := CheckPassphrase([]byte(tt.pass))
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrWeakPassphrase)) {
			t.Errorf("%q: %v, want ok=%v", tt.pass, err, tt.ok)
		}
	}
	if _, err := Create(filepath.Join(t.TempDir(), "v.db"), []byte("x"), CreateOptions{}); !errors.Is(err, ErrWeakPassphrase) {
		t.Errorf("Create with a 1-character passphrase: %v", err)
	}
	if err := CheckPassphrase([]byte("Alice Example 2026"), "alice", "example"); err == nil {
		t.Log("a passphrase made of the user's own name passes (zxcvbn scores it by the rest)")
	}
}

func TestUnsafePlaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "v.db")
	v := vaultAt(t, path, nil)
	v.Close()
	check := func(want string) {
		t.Helper()
		w, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		got := strings.Join(w.Warnings(), "\n")
		if want == "" && got != "" || !strings.Contains(got, want) {
			t.Errorf("warnings %q, want %q", got, want)
		}
	}
	check("")
	os.Chmod(dir, 0o777)
	check("can be written by other users")
	os.Chmod(dir, 0o1777)
	check("can be written by other users")
	os.Chmod(dir, 0o700)
	if os.Geteuid() == 0 {
		os.Chown(path, 65534, 65534)
		check("belongs to another user")
		os.Chown(path, 0, 0)
	}
}
