package main

import (
	"strings"
	"testing"
)

func TestTermText(t *testing.T) {
	huge := strings.Repeat("N", 50<<20)
	tests := []struct {
		name, in string
		max      int
		want     string // the output starts with this
		maxLen   int
	}{
		{"plain", "Alice Example", 120, "Alice Example", 13},
		{"escapes", "\x1b[2J\x1b]0;owned\x07Bob", 120, `\x1B[2J\x1B]0;owned\x07Bob`, 40},
		{"bidi override", "a\u202egpj.exe", 120, `a\u202Egpj.exe`, 20},
		{"50 MB", huge, 120, strings.Repeat("N", 120) + "… (52428800 bytes in all)", 200},
		{"cut inside a character", strings.Repeat("é", 100), 10, strings.Repeat("é", 10) + "… (200 bytes in all)", 60},
		{"lines kept apart", "one\x1b\ntwo", 120, "one\\x1B\ntwo", 20},
	}
	for _, tt := range tests {
		got := termText(tt.in, tt.max)
		if !strings.HasPrefix(got, tt.want) || len(got) > tt.maxLen {
			t.Errorf("%s: %.200q (%d bytes), want %.200q", tt.name, got, len(got), tt.want)
		}
		if strings.ContainsAny(got, "\x1b\x07\u202e") {
			t.Errorf("%s: raw control characters in %.100q", tt.name, got)
		}
	}
}
