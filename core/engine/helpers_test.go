package engine

import (
	"context"
	"path/filepath"
	"testing"

	"certdesk/core/pki"
)

var ctx = context.Background()

// newEngine is an insecure demo vault in a temporary folder.
func newEngine(t testing.TB) *Engine {
	t.Helper()
	e, err := Create(filepath.Join(t.TempDir(), "vault.db"), nil, CreateOptions{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func newCA(t testing.TB, e *Engine, name string) CA {
	t.Helper()
	ca, err := e.CreateCA(ctx, name, pki.CARequest{})
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

// engineWith is newEngine with a CA named caName that has issued the
// person named person.
func engineWith(t testing.TB, caName, person string) (*Engine, CA, Record) {
	t.Helper()
	e := newEngine(t)
	ca := newCA(t, e, caName)
	return e, ca, issue(t, e, ca, person)
}

func issue(t testing.TB, e *Engine, ca CA, name string) Record {
	t.Helper()
	rec, err := e.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: name}})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}
