package peer_test

import (
	"errors"
	"os/exec"
	"testing"
	"time"

	"certdesk/core/peer"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		script   string
		timeout  time.Duration
		want     string // output
		exitCode int    // -1: no exit error
		timedOut bool
	}{
		{"output and errors, combined", "echo out; echo err >&2", time.Minute, "out\nerr\n", -1, false},
		{"failure", "echo bad; exit 3", time.Minute, "bad\n", 3, false},
		{"too long", "echo started; sleep 30", 300 * time.Millisecond, "started\n", -1, true},
		// A child that keeps the output open would hold Run until
		// StopTimeout if only the program itself were killed.
		{"too long, with a child", "sleep 30 & echo started; wait", 300 * time.Millisecond, "started\n", -1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			out, err := peer.Run(exec.Command("sh", "-c", tt.script), tt.timeout)
			if elapsed := time.Since(start); elapsed > tt.timeout+3*time.Second {
				t.Errorf("Run took %v with a timeout of %v", elapsed, tt.timeout)
			}
			if out != tt.want {
				t.Errorf("output %q, want %q", out, tt.want)
			}
			var exit *exec.ExitError
			switch {
			case tt.timedOut && !errors.Is(err, peer.ErrTimeout):
				t.Errorf("error %v, want ErrTimeout", err)
			case tt.exitCode >= 0 && (!errors.As(err, &exit) || exit.ExitCode() != tt.exitCode):
				t.Errorf("error %v, want exit status %d", err, tt.exitCode)
			case !tt.timedOut && tt.exitCode < 0 && err != nil:
				t.Errorf("error %v, want none", err)
			}
		})
	}
}
