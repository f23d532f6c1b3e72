package certinfo

import (
	"testing"
	"time"
)

func TestStatusAt(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name     string
		nb, na   time.Time
		revoked  bool
		want     Status
		wantDays int
	}{
		{"valid", now.Add(-day), now.Add(100 * day), false, Valid, 100},
		{"expiring", now.Add(-day), now.Add(30 * day), false, Expiring, 30},
		{"expired", now.Add(-10 * day), now.Add(-time.Hour), false, Expired, -1},
		{"not yet valid", now.Add(time.Hour), now.Add(100 * day), false, NotYetValid, 100},
		{"revoked wins", now.Add(-day), now.Add(-time.Hour), true, Revoked, -1},
	}
	for _, tt := range tests {
		if got := StatusAt(tt.nb, tt.na, tt.revoked, now); got != tt.want {
			t.Errorf("%s: status %s, want %s", tt.name, got, tt.want)
		}
		if got := DaysLeft(tt.na, now); got != tt.wantDays {
			t.Errorf("%s: days left %d, want %d", tt.name, got, tt.wantDays)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Alice Example", "Alice Example"},
		{"Zoë Ñandú 日本", "Zoë Ñandú 日本"},
		{"bell\x07", `bell\x07`},
		{"esc\x1b[31mred", `esc\x1B[31mred`},
		{"evil\u202Etxt.exe", `evil\u202Etxt.exe`},
		{"bad\xffutf8", `bad\xFFutf8`},
		{"nul\x00", `nul\x00`},
		{"line\u2028sep", `line\u2028sep`},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
