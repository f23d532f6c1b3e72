package vault

import (
	"fmt"
	"path/filepath"
	"testing"

	"certdesk/core/pki"
)

// BenchmarkIssuePeople1000 issues 1,000 people in one transaction (what
// `certctl bulk` does), which the resealing of every new row is part of.
func BenchmarkIssuePeople1000(b *testing.B) {
	reqs := make([]pki.PersonRequest, 1000)
	for i := range reqs {
		reqs[i] = pki.PersonRequest{Name: pki.Name{CommonName: fmt.Sprintf("Person %04d", i)}}
	}
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		v, err := Create(filepath.Join(b.TempDir(), fmt.Sprintf("v%d.db", i)), nil, CreateOptions{Insecure: true})
		if err != nil {
			b.Fatal(err)
		}
		ca, err := v.CreateCA(ctx, "Bench CA", pki.CARequest{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := v.IssuePeople(ctx, ca, reqs, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		v.Close()
		b.StartTimer()
	}
}

// BenchmarkOpenUnlockedTrust opens the vault of 100,000, unlocks it and
// builds the server's trust: every CA and its revocation list checked.
func BenchmarkOpenUnlockedTrust(b *testing.B) {
	path := scaleVault(b, scaleSize).where
	for b.Loop() {
		v, err := OpenUnlocked(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := v.Snapshot(ctx); err != nil {
			b.Fatal(err)
		}
		v.Close()
	}
}
