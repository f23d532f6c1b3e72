//go:build linux

package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	tail := " S 1 2 3 4 5 6 7 8 9 10 %s %s 13 14 15 16 17 18 19 20\n"
	tests := []struct {
		name, stat string
		want       int64
		bad        bool
	}{
		{"plain", "1234 (nginx)" + fmt.Sprintf(tail, "250", "50"), 300, false},
		{"name with spaces and parentheses", "99 (a (b) c) d)" + fmt.Sprintf(tail, "7", "3"), 10, false},
		{"no name", "1234 nginx S 1 2", 0, true},
		{"too short", "1234 (nginx) S 1 2 3", 0, true},
		{"not a number", "1234 (nginx)" + fmt.Sprintf(tail, "x", "1"), 0, true},
		{"negative", "1234 (nginx)" + fmt.Sprintf(tail, "-5", "1"), 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStatCPU(tt.stat)
			if tt.bad {
				if !errors.Is(err, errBadStat) {
					t.Fatalf("parseStatCPU = %d, %v; want errBadStat", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("parseStatCPU = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

// TestProcessCPU compares this process's CPU time from /proc with what the
// kernel reports through getrusage(2), after burning some.
func TestProcessCPU(t *testing.T) {
	for start := time.Now(); time.Since(start) < 100*time.Millisecond; {
	}
	got, err := processCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	want := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	// /proc counts in ticks of 10 ms; the two reads are a moment apart.
	if diff := want - got; diff < -20*time.Millisecond || diff > 50*time.Millisecond {
		t.Errorf("/proc says %v of CPU, getrusage %v", got, want)
	}
}
