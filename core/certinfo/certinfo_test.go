package certinfo

import (
	"testing"
	"time"
)

func TestDaysLeft(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name     string
		notAfter time.Time
		want     int
	}{
		{"100 days", now.Add(100 * day), 100},
		{"30 days", now.Add(30 * day), 30},
		{"an hour ago", now.Add(-time.Hour), -1},
	}
	for _, tt := range tests {
		if got := DaysLeft(tt.notAfter, now); got != tt.want {
			t.Errorf("%s: days left %d, want %d", tt.name, got, tt.want)
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
