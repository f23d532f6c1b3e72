package vault

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certdesk/core/pki"
)

// TestDamagedVaultRefusesWrites: a truncated file, or one with a flipped
// bit that SQLite's integrity_check calls corrupt, is never written to and
// is reported by the check; the file is left as it was.
func TestDamagedVaultRefusesWrites(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	v, _ := peopleVaultAt(t, good, 200)
	pageOf := func(name string) int64 {
		var root int64
		if err := v.db.QueryRow(`SELECT rootpage FROM sqlite_master WHERE name = ?`, name).Scan(&root); err != nil {
			t.Fatal(err)
		}
		return root
	}
	var pageSize int64
	v.db.QueryRow(`PRAGMA page_size`).Scan(&pageSize)
	certsPage, indexPage := pageOf("certs"), pageOf("certs_cn")
	v.Close()
	orig, _ := os.ReadFile(good)
	flip := func(off int64) func([]byte) []byte {
		return func(b []byte) []byte { c := append([]byte(nil), b...); c[off] ^= 0x04; return c }
	}
	damage := map[string]func([]byte) []byte{
		"truncated":              func(b []byte) []byte { return b[:len(b)*2/3] },
		"table page header flip": flip((certsPage - 1) * pageSize),
		"index cell flip":        flip(indexPage*pageSize - 40),
	}
	for name, f := range damage {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".db")
			bad := f(orig)
			os.WriteFile(p, bad, 0o600)
			if problems, _ := integrityOf(t, p); len(problems) == 0 && name != "truncated" {
				t.Fatalf("this flip did not make integrity_check complain; the test needs another offset")
			}
			v, err := Open(p)
			if err != nil {
				if !errors.Is(err, ErrDamaged) {
					t.Errorf("open: %v, want ErrDamaged", err)
				}
				return
			}
			defer v.Close()
			v.Unlock(nil)
			if _, err := v.CreateCA(ctx, "Another", pki.CARequest{}); !errors.Is(err, ErrDamaged) {
				t.Errorf("a write to a damaged vault: %v, want ErrDamaged", err)
			}
			if _, err := v.DenyFingerprint(ctx, strings.Repeat("AB", 32), 1, ""); !errors.Is(err, ErrDamaged) {
				t.Errorf("a second write to a damaged vault: %v", err)
			}
			r, err := v.CheckAll(ctx, CheckOptions{Full: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Problems) == 0 || r.Problems[0].Kind != "file" || !errors.Is(r.Err(), ErrDamaged) {
				t.Errorf("check: %+v", r.Problems)
			}
			if after, _ := os.ReadFile(p); string(after) != string(bad) {
				t.Error("the damaged file was changed")
			}
		})
	}
}

// integrityOf runs SQLite's integrity_check on a file directly.
func integrityOf(t *testing.T, path string) ([]string, error) {
	db := rawDB(t, path)
	rows, err := db.Query(`PRAGMA integrity_check`)
	if err != nil {
		return []string{err.Error()}, nil
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		if s != "ok" {
			out = append(out, s)
		}
	}
	if err := rows.Err(); err != nil {
		out = append(out, err.Error())
	}
	return out, nil
}
