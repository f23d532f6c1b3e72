package peer_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"certdesk/core/peer"
)

func TestFind(t *testing.T) {
	tests := []struct {
		name, program, path string // path: "" keeps PATH as it is
		found               bool
	}{
		{"in PATH", "sh", "", true},
		{"missing", "certdesk-no-such-peer", "", false},
		// Servers live in /usr/sbin, which ordinary users' PATH leaves out.
		{"in sbin, outside PATH", "nginx", "/usr/bin:/bin", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path != "" {
				t.Setenv("PATH", tt.path)
			}
			if tt.found && tt.program == "nginx" {
				if _, err := os.Stat("/usr/sbin/nginx"); err != nil {
					requireInCI(t, "nginx in /usr/sbin")
				}
			}
			got, err := peer.Find(tt.program)
			if !tt.found {
				var missing *peer.NotInstalledError
				if !errors.As(err, &missing) || missing.Program != tt.program || !errors.Is(err, peer.ErrNotInstalled) {
					t.Fatalf("Find(%q) = %q, %v; want a *NotInstalledError for it", tt.program, got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if st, err := os.Stat(got); err != nil || st.Mode()&0o111 == 0 || filepath.Base(got) != tt.program {
				t.Fatalf("Find(%q) = %q, not an executable of that name (%v)", tt.program, got, err)
			}
		})
	}
}

// requireInCI skips off CI, and fails in CI, for a precondition of the
// machine (peertest cannot be used here: it imports this package).
func requireInCI(t *testing.T, what string) {
	t.Helper()
	if peer.Required() {
		t.Fatalf("%s is missing, and CI needs it", what)
	}
	t.Skipf("%s is missing", what)
}

func TestRequired(t *testing.T) {
	for _, tt := range []struct {
		ci   string
		want bool
	}{{"true", true}, {"", false}, {"1", false}, {"false", false}} {
		t.Setenv("CI", tt.ci)
		if got := peer.Required(); got != tt.want {
			t.Errorf("CI=%q: Required() = %v, want %v", tt.ci, got, tt.want)
		}
	}
}
