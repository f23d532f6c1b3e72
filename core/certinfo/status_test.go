package certinfo

import (
	"testing"
	"time"
)

// TestStatusBoundaries: the status and the days left around each
// boundary (NotBefore, NotAfter, the expiring threshold, revocation).
func TestStatusBoundaries(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name              string
		notBefore, notAft time.Time
		revoked           bool
		want              Status
		wantDaysLeft      int
	}{
		{"well inside", now.Add(-day), now.Add(90 * day), false, Valid, 90},
		{"100 days left", now.Add(-day), now.Add(100 * day), false, Valid, 100},
		{"30 days left", now.Add(-day), now.Add(30 * day), false, Expiring, 30},
		{"expired an hour ago", now.Add(-10 * day), now.Add(-time.Hour), false, Expired, -1},
		{"starts in an hour", now.Add(time.Hour), now.Add(100 * day), false, NotYetValid, 100},
		{"revoked wins over expired", now.Add(-day), now.Add(-time.Hour), true, Revoked, -1},
		{"one second past the expiring threshold", now.Add(-day), now.Add(ExpiringWindow + time.Second), false, Valid, 30},
		{"exactly at the expiring threshold", now.Add(-day), now.Add(ExpiringWindow), false, Expiring, 30},
		{"exactly at NotAfter", now.Add(-day), now, false, Expiring, 0},
		{"one second after NotAfter", now.Add(-day), now.Add(-time.Second), false, Expired, -1},
		{"exactly at NotBefore", now, now.Add(90 * day), false, Valid, 90},
		{"one second before NotBefore", now.Add(time.Second), now.Add(90 * day), false, NotYetValid, 90},
		{"not yet valid and ending soon", now.Add(time.Hour), now.Add(2 * time.Hour), false, NotYetValid, 0},
		{"revoked and expired", now.Add(-2 * day), now.Add(-day), true, Revoked, -1},
		{"revoked and not yet valid", now.Add(day), now.Add(2 * day), true, Revoked, 2},
		{"inverted dates", now.Add(day), now.Add(-day), false, Expired, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StatusAt(tt.notBefore, tt.notAft, tt.revoked, now); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if got := DaysLeft(tt.notAft, now); got != tt.wantDaysLeft {
				t.Errorf("days left %d, want %d", got, tt.wantDaysLeft)
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
