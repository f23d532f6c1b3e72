package peertest_test

import (
	"fmt"
	"testing"

	"certdesk/core/peer/peertest"
)

// recorder is a testing.TB that records how a helper stopped the test
// instead of stopping it.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper()                        {}
func (r *recorder) Fatalf(format string, a ...any) { r.fatal = fmt.Sprintf(format, a...) }
func (r *recorder) Skip(a ...any)                  { r.skip = fmt.Sprint(a...) }

// TestRequire pins the CI rule: a missing peer fails the test in CI and
// skips it elsewhere.
func TestRequire(t *testing.T) {
	tests := []struct {
		name, ci, program  string
		found, fatal, skip bool
	}{
		{"installed", "true", "sh", true, false, false},
		{"missing in CI", "true", "certdesk-no-such-peer", false, true, false},
		{"missing elsewhere", "", "certdesk-no-such-peer", false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			r := &recorder{TB: t}
			path := peertest.Require(r, tt.program)
			if (path != "") != tt.found || (r.fatal != "") != tt.fatal || (r.skip != "") != tt.skip {
				t.Fatalf("Require = %q, fatal %q, skip %q; want found %v, fatal %v, skip %v", path, r.fatal, r.skip, tt.found, tt.fatal, tt.skip)
			}
		})
	}
}

func TestRunAndTry(t *testing.T) {
	if out := peertest.Run(t, "sh", "-c", "echo hello"); out != "hello\n" {
		t.Errorf("Run: %q", out)
	}
	if out, err := peertest.TryInput(t, []byte("piped\n"), "cat"); err != nil || out != "piped\n" {
		t.Errorf("TryInput: %q, %v", out, err)
	}
	if _, err := peertest.Try(t, "sh", "-c", "exit 2"); err == nil {
		t.Error("Try of a failing program gave no error")
	}
}
