package certinfo

import (
	"testing"
	"time"
)

func TestStatusBoundaries(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name              string
		notBefore, notAft time.Time
		revoked           bool
		want              Status
	}{
		{"well inside", now.Add(-day), now.Add(90 * day), false, Valid},
		{"100 days left", now.Add(-day), now.Add(100 * day), false, Valid},
		{"30 days left", now.Add(-day), now.Add(30 * day), false, Expiring},
		{"expired an hour ago", now.Add(-10 * day), now.Add(-time.Hour), false, Expired},
		{"starts in an hour", now.Add(time.Hour), now.Add(100 * day), false, NotYetValid},
		{"revoked wins over expired", now.Add(-day), now.Add(-time.Hour), true, Revoked},
		{"one second past the expiring threshold", now.Add(-day), now.Add(ExpiringWindow + time.Second), false, Valid},
		{"exactly at the expiring threshold", now.Add(-day), now.Add(ExpiringWindow), false, Expiring},
		{"exactly at NotAfter", now.Add(-day), now, false, Expiring},
		{"one second after NotAfter", now.Add(-day), now.Add(-time.Second), false, Expired},
		{"exactly at NotBefore", now, now.Add(90 * day), false, Valid},
		{"one second before NotBefore", now.Add(time.Second), now.Add(90 * day), false, NotYetValid},
		{"not yet valid and ending soon", now.Add(time.Hour), now.Add(2 * time.Hour), false, NotYetValid},
		{"revoked and expired", now.Add(-2 * day), now.Add(-day), true, Revoked},
		{"revoked and not yet valid", now.Add(day), now.Add(2 * day), true, Revoked},
		{"inverted dates", now.Add(day), now.Add(-day), false, Expired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StatusAt(tt.notBefore, tt.notAft, tt.revoked, now); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestStatusRulesExcludeEachOther checks that exactly one rule holds for
// every combination around the boundaries, so the SQL derived from each
// rule alone counts every certificate once.
func TestStatusRulesExcludeEachOther(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	bounds := map[Bound]int64{Now: now.Unix(), Soon: now.Add(ExpiringWindow).Unix()}
	var points []int64
	for _, b := range bounds {
		points = append(points, b-1, b, b+1)
	}
	for _, nb := range points {
		for _, na := range points {
			for _, revoked := range []bool{false, true} {
				facts := map[Field]int64{FieldNotBefore: nb, FieldNotAfter: na}
				held := 0
				for _, r := range StatusRules {
					if r.holds(facts, revoked, bounds) {
						held++
					}
				}
				if held != 1 {
					t.Errorf("notBefore %d, notAfter %d, revoked %v: %d rules hold", nb-bounds[Now], na-bounds[Now], revoked, held)
				}
			}
		}
	}
}
