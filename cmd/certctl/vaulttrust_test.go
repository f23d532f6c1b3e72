package main

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certdesk/core/pki"
	"certdesk/core/vault"
)

func TestInitPassphrasePolicy(t *testing.T) {
	t.Parallel()
	for _, weak := range []string{"x", "password1", "qwertyuiop"} {
		s := newSession(t)
		s.vars["CERTDESK_PASSPHRASE"] = weak
		s.fails(1, "too easy to guess", "init")
		if _, err := os.Stat(s.vars["CERTDESK_VAULT"]); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%q: a refused init left a vault file", weak)
		}
	}
}

// TestPassphrasePrompts types passphrases at certctl's prompts: init and
// passwd ask twice and refuse two different answers, an empty or weak one.
func TestPassphrasePrompts(t *testing.T) {
	t.Parallel()
	const good, other = "correct horse battery", "sunny giraffe lamp 71"
	tests := []struct {
		name     string
		args     []string
		typed    []string
		wantCode int
		want     string
	}{
		{"init", []string{"init"}, []string{good, good}, 0, "Created vault"},
		{"init, two answers", []string{"init"}, []string{good, other}, 1, "the two passphrases differ; nothing was created"},
		{"init, empty", []string{"init"}, []string{""}, 1, "the passphrase is empty"},
		{"init, weak", []string{"init"}, []string{"password1", "password1"}, 1, "too easy to guess"},
		{"passwd", []string{"passwd"}, []string{other, other}, 0, "Changed the passphrase"},
		{"passwd, two answers", []string{"passwd"}, []string{other, good}, 1, "the two new passphrases differ; nothing was changed"},
		{"passwd, weak", []string{"passwd"}, []string{"abc"}, 1, "too easy to guess"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSession(t)
			if tt.args[0] == "init" {
				delete(s.vars, "CERTDESK_PASSPHRASE")
			} else {
				s = newVaultSession(t) // the current passphrase given; the new one typed
			}
			s.typed = tt.typed
			out, errOut, code := s.run(tt.args...)
			if code != tt.wantCode || !strings.Contains(out+errOut, tt.want) {
				t.Errorf("certctl %v typing %q: exit %d\n%s%s\nwant exit %d with %q", tt.args, tt.typed, code, out, errOut, tt.wantCode, tt.want)
			}
		})
	}
}

func TestPassphraseForInsecureVault(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.ok("init", "--insecure-no-passphrase")
	s.fails(1, "this vault has no passphrase", "list")
	s.fails(1, "this vault has no passphrase", "ca", "create", "Acme")
	delete(s.vars, "CERTDESK_PASSPHRASE")
	s.fails(1, "this vault has no passphrase", "ca", "create", "Acme", "--passphrase-file", s.write("p", "correct horse battery\n"))
	s.ok("ca", "create", "Acme")
}

// TestCheckAndLog: a sound vault checks clean and its audit chain is
// intact; a revocation deleted with its audit row is found by both, each
// naming what is wrong, with exit 1.
func TestCheckAndLog(t *testing.T) {
	t.Parallel()
	s := newSessionWithCA(t, "Acme", "Alice", "Bob")
	s.ok("revoke", "Alice", "--reason", "keyCompromise")
	out := s.ok("check")
	if !strings.Contains(out, "No problems found") || !strings.Contains(out, "Audit chain: intact") || !strings.Contains(out, "MACs") {
		t.Errorf("check of a sound vault:\n%s", out)
	}
	rep := decodeJSON[map[string]any](t, s.ok("check", "--json"))
	if rep["ok"] != true || rep["authenticated"] != true {
		t.Errorf("check --json: %v", rep)
	}
	out = s.ok("log")
	if !strings.Contains(out, "cert.revoke") || !strings.Contains(out, "Audit chain: intact (5 entries)") {
		t.Errorf("log:\n%s", out)
	}
	lg := decodeJSON[struct {
		Chain   map[string]any     `json:"chain"`
		Entries []vault.AuditEntry `json:"entries"`
	}](t, s.ok("log", "--json"))
	if lg.Chain["intact"] != true || len(lg.Entries) != 5 || lg.Entries[0].Action != "cert.revoke" {
		t.Errorf("log --json: %+v", lg)
	}
	// Without the passphrase: only fingerprints, and it says so.
	pass := s.vars["CERTDESK_PASSPHRASE"]
	delete(s.vars, "CERTDESK_PASSPHRASE")
	if out, errOut, code := s.run("check"); code != 0 || !strings.Contains(out, "fingerprints only") || !strings.Contains(errOut, "no passphrase") {
		t.Errorf("locked check: exit %d\n%s%s", code, out, errOut)
	}
	if out, _, _ := s.run("log"); !strings.Contains(out, "not checked") {
		t.Errorf("locked log:\n%s", out)
	}
	s.vars["CERTDESK_PASSPHRASE"] = pass

	deleteRevocation(t, s.vars["CERTDESK_VAULT"])
	out, _, code := s.run("check")
	if code != 1 || !strings.Contains(out, `revocation list of CA "Acme"`) || !strings.Contains(out, `"Alice"`) || !strings.Contains(out, "problem (audit)") {
		t.Errorf("check of a tampered vault: exit %d\n%s", code, out)
	}
	out, _, code = s.run("log")
	if code != 1 || !strings.Contains(out, "BROKEN") {
		t.Errorf("log of a broken chain: exit %d\n%s", code, out)
	}
	s.fails(1, "altered outside Certdesk", "crl", "--ca", "Acme", "--out", s.path("crl.pem"))
	if _, err := os.Stat(s.path("crl.pem")); err == nil {
		t.Error("a CRL without the deleted revocation was written")
	}
}

// TestTamperedBackupCLI: restore refuses a backup whose CA was swapped for a
// foreign one with the same name, and check of that backup says so.
func TestTamperedBackupCLI(t *testing.T) {
	t.Parallel()
	s := newSessionWithCA(t, "Acme", "Alice")
	backup := s.path("backup.db")
	s.ok("backup", backup)
	foreign := swapCA(t, backup)
	original := s.vars["CERTDESK_VAULT"]
	s.vars["CERTDESK_VAULT"] = s.path("restored.db")
	s.fails(1, "was not restored", "restore", backup)
	if _, err := os.Stat(s.path("restored.db")); !errors.Is(err, os.ErrNotExist) {
		t.Error("a refused restore left a vault behind")
	}
	s.vars["CERTDESK_VAULT"] = backup
	out, _, code := s.run("check")
	if code != 1 || !strings.Contains(out, `certificate 1 ("Acme"`) {
		t.Errorf("check of the tampered backup: exit %d\n%s", code, out)
	}
	s.fails(1, "altered outside Certdesk", "export", "Acme", "--format", "pem", "--out", s.path("ca.pem"))
	s.fails(1, "altered outside Certdesk", "export", "Alice", "--format", "chain", "--out", s.path("chain.pem"))
	s.fails(1, "altered outside Certdesk", "verify", s.write("foreign.pem", string(pki.EncodeCertPEM(foreign))), "--ca", "Acme")
	s.fails(1, "altered outside Certdesk", "export", "Alice", "--format", "p12", "--out", s.path("alice.p12"))
	for _, f := range []string{"ca.pem", "chain.pem", "alice.p12"} {
		if _, err := os.Stat(s.path(f)); err == nil {
			t.Errorf("%s was written from a tampered vault", f)
		}
	}
	s.vars["CERTDESK_VAULT"] = original
	s.ok("check")
}

// TestFlippedBitNotExported: one bit flipped inside a stored certificate
// (SQLite's own check cannot see it) is never exported, with or without
// the passphrase, and check names the certificate.
func TestFlippedBitNotExported(t *testing.T) {
	t.Parallel()
	s := newInsecureSessionWithCA(t, "Acme", "Alice")
	v, err := vault.Open(s.vars["CERTDESK_VAULT"])
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := v.Find(t.Context(), "Alice")
	cert, _ := v.Certificate(t.Context(), rec.ID)
	v.Close()
	der := append([]byte(nil), cert.Raw...)
	der[len(der)-20] ^= 0x10
	db, _ := sql.Open("sqlite", "file:"+s.vars["CERTDESK_VAULT"])
	if _, err := db.Exec(`UPDATE cert_blobs SET der = ? WHERE cert_id = ?`, der, rec.ID); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, format := range []string{"pem", "p12", "der"} {
		out := s.path("alice." + format)
		s.fails(1, "do not match its stored SHA-256", "export", "Alice", "--format", format, "--out", out)
		if _, err := os.Stat(out); err == nil {
			t.Errorf("a flipped certificate was exported as %s", format)
		}
	}
	out, _, code := s.run("check")
	if code != 1 || !strings.Contains(out, `"Alice"`) {
		t.Errorf("check: exit %d\n%s", code, out)
	}
}

func TestPasswdAndRekey(t *testing.T) {
	t.Parallel()
	s := newSessionWithCA(t, "Acme", "Alice")
	s.vars["CERTDESK_NEW_PASSPHRASE"] = "abc"
	s.fails(1, "too easy to guess", "passwd")
	s.vars["CERTDESK_NEW_PASSPHRASE"] = "sunny giraffe lamp 71"
	s.ok("passwd")
	s.fails(1, "passphrase is wrong", "issue", "--cn", "Bob")
	s.vars["CERTDESK_PASSPHRASE"] = "sunny giraffe lamp 71"
	s.ok("issue", "--cn", "Bob")
	delete(s.vars, "CERTDESK_NEW_PASSPHRASE")
	s.ok("passwd", "--new-passphrase-file", s.write("new", "plum orbit fiddle canyon\n"))
	s.vars["CERTDESK_PASSPHRASE"] = "plum orbit fiddle canyon"
	out := s.ok("rekey")
	if !strings.Contains(out, "3 private key(s) re-sealed") {
		t.Errorf("rekey: %s", out)
	}
	s.ok("export", "Alice", "--format", "key", "--out", s.path("alice.key"))
	s.ok("check")
	if out := s.ok("log"); !strings.Contains(out, "vault.rekey") || !strings.Contains(out, "vault.passwd") {
		t.Errorf("log after passwd and rekey:\n%s", out)
	}
	s.fails(1, "no new passphrase", "passwd")
}

// TestDamagedVaultCLI: a vault file with a flipped bit that SQLite's
// integrity_check calls corrupt takes no writes, and check names the damage;
// a truncated one is refused at once.
func TestDamagedVaultCLI(t *testing.T) {
	t.Parallel()
	s := newInsecureSessionWithCA(t, "Acme", "Alice", "Bob", "Carol")
	path := s.vars["CERTDESK_VAULT"]
	db, _ := sql.Open("sqlite", "file:"+path)
	var root, pageSize int64
	db.QueryRow(`SELECT rootpage FROM sqlite_master WHERE name = 'certs'`).Scan(&root)
	db.QueryRow(`PRAGMA page_size`).Scan(&pageSize)
	db.Close()
	good, _ := os.ReadFile(path)
	bad := append([]byte(nil), good...)
	bad[(root-1)*pageSize] ^= 0x04 // the page type of the certs table
	os.WriteFile(path, bad, 0o600)
	s.fails(1, "damaged", "issue", "--cn", "Dave")
	s.fails(1, "damaged", "revoke", "Alice")
	out, _, code := s.run("check")
	if code != 1 || !strings.Contains(out, "problem (file)") {
		t.Errorf("check of a damaged vault: exit %d\n%s", code, out)
	}
	if after, _ := os.ReadFile(path); string(after) != string(bad) {
		t.Error("the damaged vault was written to")
	}
	os.WriteFile(path, good[:len(good)/2], 0o600)
	s.fails(1, "damaged", "check")
	s.fails(1, "damaged", "list")
}

// TestUnsafePlaceWarning: a vault in a folder others can write is used,
// with a warning on stderr that says what to do.
func TestUnsafePlaceWarning(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	dir := filepath.Join(s.dir, "shared")
	os.Mkdir(dir, 0o700)
	s.vars["CERTDESK_VAULT"] = filepath.Join(dir, "vault.db")
	s.ok("init")
	if _, errOut, _ := s.run("list"); errOut != "" {
		t.Errorf("warnings for a private folder: %q", errOut)
	}
	os.Chmod(dir, 0o777)
	_, errOut, code := s.run("list")
	if code != 0 || !strings.Contains(errOut, "warning: the vault's folder") || !strings.Contains(errOut, "chmod go-w") {
		t.Errorf("list in a world-writable folder: exit %d, stderr %q", code, errOut)
	}
}

// TestServeRefusesTamperedVault: `certctl serve` (a real process) does not
// start over a vault whose CA was swapped or whose revocation was deleted
// with its audit entry; it says which record, with exit 1.
func TestServeRefusesTamperedVault(t *testing.T) {
	t.Parallel()
	bin := certctlBinary(t)
	tests := []struct {
		name, want string
		tamper     func(t *testing.T, path string)
	}{
		{"revocation deleted", `revocation list of CA "Acme"`, deleteRevocation},
		{"CA swapped", `certificate 1 ("Acme"`, func(t *testing.T, path string) { swapCA(t, path) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSessionWithCA(t, "Acme", "Alice")
			s.ok("revoke", "Alice")
			tt.tamper(t, s.vars["CERTDESK_VAULT"])
			ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0")
			cmd.Env = s.environ()
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if ctx.Err() != nil || !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), tt.want) {
				t.Errorf("serve over a tampered vault: %v (timeout: %v)\n%s", err, ctx.Err(), out)
			}
		})
	}
}
