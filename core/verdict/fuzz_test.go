package verdict_test

import (
	"testing"
	"time"

	"certdesk/core/verdict"
	"certdesk/core/verdict/verdicttest"
)

// FuzzJudge presents any bytes as a client's chain: the judge never panics
// and always gives a primary verdict that heads its reasons.
func FuzzJudge(f *testing.F) {
	now := time.Now()
	m := verdicttest.MustBuild(f, now)
	for _, c := range m.Cases {
		if len(c.Chain) > 0 {
			f.Add(c.Chain[0], []byte(nil))
		}
		if len(c.Chain) > 1 {
			f.Add(c.Chain[0], c.Chain[1])
		}
	}
	// Certificates from elsewhere: odd names, times, extensions, keys.
	for _, s := range buildCorpus(now).scenarios {
		if p := s.presented(); len(p) > 1 {
			f.Add(p[0], p[1])
		} else {
			f.Add(p[0], []byte(nil))
		}
	}
	f.Fuzz(func(t *testing.T, leaf, second []byte) {
		chain := [][]byte{leaf}
		if second != nil {
			chain = append(chain, second)
		}
		r := verdict.Judge(chain, m.Trust, now)
		if len(r.Reasons) == 0 || r.Reasons[0] != r.Verdict || r.NginxVerify == "" {
			t.Fatalf("result %+v", r)
		}
	})
}
