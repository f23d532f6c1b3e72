package demo

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certdesk/core/vault"
	"certdesk/core/verdict"
)

func TestEveryPersonShowsWhatTheyShould(t *testing.T) {
	ctx := context.Background()
	v, err := vault.Create(filepath.Join(t.TempDir(), "demo.db"), nil, vault.CreateOptions{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	d, err := Populate(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	trust, err := v.TrustFor(ctx, d.CA)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range d.People {
		cert, err := v.Certificate(ctx, p.Record.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := verdict.Judge([][]byte{cert.Raw}, trust, time.Now())
		if want := strings.Fields(p.Shows)[0]; string(got.Verdict) != want {
			t.Errorf("%s shows %s, want %s (%s)", p.Name, got.Verdict, want, got.Explanation)
		}
	}
	if !strings.Contains(verdict.Judge([][]byte{mustCert(t, v, d.People[6].Record.ID)}, trust, time.Now()).Explanation, "look-alike") {
		t.Error("Mallory's refusal does not name the look-alike")
	}
}

func mustCert(t *testing.T, v *vault.Vault, id int64) []byte {
	c, err := v.Certificate(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Raw
}
