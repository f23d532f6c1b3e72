package vault

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"certdesk/core/pki"
)

// The SQLite benchmarks' targets on a team vault: the same 100,000 people,
// copied into PostgreSQL once (CopyTo), and two admins issuing at once.

var (
	teamScaleOnce sync.Once
	teamScaleURL  string
	teamScaleErr  error
)

func teamScaleVault(b *testing.B) scaled {
	s := scaleVault(b, scaleSize)
	url := newPGVaultURL(b)
	teamScaleOnce.Do(func() {
		v, err := OpenUnlocked(s.where, nil)
		if err != nil {
			teamScaleErr = err
			return
		}
		defer v.Close()
		start := time.Now()
		teamScaleURL = url
		if _, teamScaleErr = v.CopyTo(ctx, url, nil); teamScaleErr == nil {
			b.Logf("copied %d people into PostgreSQL in %v", scaleSize, time.Since(start).Round(time.Millisecond))
		}
	})
	if teamScaleErr != nil {
		b.Fatal(teamScaleErr)
	}
	s.where = teamScaleURL
	return s
}

func BenchmarkTeamOpenAndFirstPage(b *testing.B)    { benchOpenAndFirstPage(b, teamScaleVault(b)) }
func BenchmarkTeamSearchByName(b *testing.B)        { benchSearchByName(b, teamScaleVault(b)) }
func BenchmarkTeamLookupByFingerprint(b *testing.B) { benchLookupByFingerprint(b, teamScaleVault(b)) }
func BenchmarkTeamCountByStatus(b *testing.B)       { benchCountByStatus(b, teamScaleVault(b)) }

// BenchmarkTeamTwoIssuers: an owner and an issuer, each on their own
// connection as their own role, issue 1,000 people each at the same time
// (one transaction per person); one iteration is both thousands.
func BenchmarkTeamTwoIssuers(b *testing.B) {
	tm := newTeam(b)
	for b.Loop() {
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		for _, name := range []string{"alice", "ivan"} {
			v, err := OpenUnlocked(tm.url[name], teamPass[name])
			if err != nil {
				b.Fatal(err)
			}
			wg.Go(func() {
				defer v.Close()
				for i := range 1000 {
					if _, err := v.IssuePerson(ctx, tm.ca, pki.PersonRequest{Name: pki.Name{CommonName: fmt.Sprintf("%s %04d", name, i)}}); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
	}
}
