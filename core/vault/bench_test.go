package vault

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"certdesk/core/certinfo"
	"certdesk/core/pki"
)

// scaled is a benchmarks' large vault: where it is, its CA and one of its
// people.
type scaled struct {
	where  string
	ca     CA
	sample Record
}

// scaleVault builds (once) a vault of n people under one CA, for benchmarks.
func scaleVault(b *testing.B, n int) scaled {
	b.Helper()
	scaleOnce.Do(func() {
		dir, err := os.MkdirTemp("", "certdesk-scale-")
		if err != nil {
			scaleErr = err
			return
		}
		scalePath = filepath.Join(dir, "scale.db")
		v, err := Create(scalePath, nil, CreateOptions{Insecure: true})
		if err != nil {
			scaleErr = err
			return
		}
		defer v.Close()
		scaleCA, err = v.CreateCA(ctx, "Scale CA", pki.CARequest{})
		if err != nil {
			scaleErr = err
			return
		}
		for start := 0; start < n; start += 10000 {
			reqs := make([]pki.PersonRequest, 0, 10000)
			for i := start; i < min(n, start+10000); i++ {
				reqs = append(reqs, pki.PersonRequest{Name: pki.Name{CommonName: fmt.Sprintf("Person %06d", i)}, Emails: []string{fmt.Sprintf("person%06d@example.com", i)}})
			}
			rows, err := v.IssuePeople(ctx, scaleCA, reqs, nil)
			if err != nil {
				scaleErr = err
				return
			}
			if start == 0 {
				scaleSample = rows[len(rows)/2].Record
			}
		}
	})
	if scaleErr != nil {
		b.Fatal(scaleErr)
	}
	return scaled{scalePath, scaleCA, scaleSample}
}

var (
	scaleOnce   sync.Once
	scalePath   string
	scaleCA     CA
	scaleSample Record
	scaleErr    error
)

const scaleSize = 100_000

func BenchmarkOpenAndFirstPage(b *testing.B) { benchOpenAndFirstPage(b, scaleVault(b, scaleSize)) }
func BenchmarkSearchByName(b *testing.B)     { benchSearchByName(b, scaleVault(b, scaleSize)) }
func BenchmarkLookupByFingerprint(b *testing.B) {
	benchLookupByFingerprint(b, scaleVault(b, scaleSize))
}
func BenchmarkCountByStatus(b *testing.B) { benchCountByStatus(b, scaleVault(b, scaleSize)) }

func benchOpenAndFirstPage(b *testing.B, s scaled) {
	for b.Loop() {
		v, err := Open(s.where)
		if err != nil {
			b.Fatal(err)
		}
		recs, err := v.List(ctx, Filter{CAID: s.ca.ID, Sort: SortCommonName, Limit: 50})
		if err != nil || len(recs) != 50 {
			b.Fatal(err)
		}
		if _, err := v.Count(ctx, Filter{CAID: s.ca.ID}); err != nil {
			b.Fatal(err)
		}
		v.Close()
	}
}

func benchSearchByName(b *testing.B, s scaled) {
	v, _ := Open(s.where)
	defer v.Close()
	for b.Loop() {
		recs, err := v.List(ctx, Filter{Search: "person 042421", Limit: 50})
		if err != nil || len(recs) != 1 {
			b.Fatalf("%d results, %v", len(recs), err)
		}
	}
}

func benchLookupByFingerprint(b *testing.B, s scaled) {
	v, _ := Open(s.where)
	defer v.Close()
	for b.Loop() {
		r, err := v.Find(ctx, s.sample.FingerprintSHA256)
		if err != nil || r.ID != s.sample.ID {
			b.Fatal(err)
		}
	}
}

func benchCountByStatus(b *testing.B, s scaled) {
	v, _ := Open(s.where)
	defer v.Close()
	for b.Loop() {
		counts, err := v.CountByStatus(ctx, 0)
		if err != nil || counts[certinfo.Valid] != scaleSize+1 {
			b.Fatal(counts, err)
		}
	}
}
