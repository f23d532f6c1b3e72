package engine

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certdesk/core/verdict"
)

func TestEveryPersonShowsWhatTheyShould(t *testing.T) {
	ctx := context.Background()
	v, err := Create(filepath.Join(t.TempDir(), "demo.db"), nil, CreateOptions{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	d, err := v.PopulateDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	trust, err := v.Trust(ctx, d.CA)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range d.People {
		got := verdict.Judge([][]byte{mustCert(t, v, p.Record.ID)}, trust, time.Now())
		if want := strings.Fields(p.Shows)[0]; string(got.Verdict) != want {
			t.Errorf("%s shows %s, want %s (%s)", p.Name, got.Verdict, want, got.Explanation)
		}
	}
	if !strings.Contains(verdict.Judge([][]byte{mustCert(t, v, d.People[6].Record.ID)}, trust, time.Now()).Explanation, "look-alike") {
		t.Error("Mallory's refusal does not name the look-alike")
	}
}

func mustCert(t *testing.T, e *Engine, id int64) []byte {
	c, err := e.store.Certificate(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Raw
}
