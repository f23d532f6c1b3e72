package vault

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"certdesk/core/pki"
)

// TestConcurrentWriters: two handles on one file (the app and certctl)
// issuing at once are serialised; nothing is lost and serials stay unique.
func TestConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.db")
	a := vaultAt(t, path, nil)
	ca := newCA(t, a, "Acme")
	b := unlocked(t, path, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w, v := range []*Vault{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				if _, err := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: fmt.Sprintf("W%d-%d", w, i)}}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, _ := b.Count(ctx, Filter{Kind: KindClient}); n != 100 {
		t.Errorf("%d people after 100 concurrent issuances", n)
	}
	var distinct int
	a.db.QueryRow(`SELECT count(DISTINCT serial) FROM certs`).Scan(&distinct)
	if distinct != 101 {
		t.Errorf("%d distinct serials for 101 certificates", distinct)
	}
	if err := a.Check(ctx); err != nil {
		t.Error(err)
	}
}

// TestDamagedVaultFiles: a truncated or scribbled-on vault gives a clear
// error and is not made worse.
func TestDamagedVaultFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "v.db")
	v, _ := peopleVaultAt(t, path, 50)
	v.Close()
	good, _ := os.ReadFile(path)
	damage := map[string]func([]byte) []byte{
		"truncated to half": func(b []byte) []byte { return b[:len(b)/2] },
		"header scribbled":  func(b []byte) []byte { c := append([]byte(nil), b...); copy(c[:16], "NOT A VAULT FILE"); return c },
		"pages scribbled": func(b []byte) []byte {
			c := append([]byte(nil), b...)
			for i := 4096; i < len(c); i += 3 {
				c[i] ^= 0x5a
			}
			return c
		},
	}
	for name, f := range damage {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".db")
			bad := f(good)
			os.WriteFile(p, bad, 0o600)
			v, err := Open(p)
			if err == nil {
				err = v.Check(ctx)
				if err == nil {
					_, err = v.List(ctx, Filter{})
				}
				v.Close()
			}
			if err == nil {
				t.Fatal("a damaged vault opened and checked clean")
			}
			if !strings.Contains(err.Error(), "damaged") && !strings.Contains(err.Error(), "not a database") && !strings.Contains(err.Error(), "Certdesk vault") && !strings.Contains(err.Error(), "malformed") {
				t.Errorf("unclear error: %v", err)
			}
			after, _ := os.ReadFile(p)
			if string(after) != string(bad) {
				t.Error("opening a damaged vault changed the file")
			}
		})
	}
}
