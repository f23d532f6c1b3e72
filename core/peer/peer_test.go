package peer_test

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

func TestFreeAddr(t *testing.T) {
	addr, err := peer.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(addr, "127.0.0.1:") || strings.HasSuffix(addr, ":0") {
		t.Fatalf("FreeAddr() = %q, want a loopback address with a port", addr)
	}
	s, err := peer.StartServer(exec.Command("python3", "-m", "http.server", "--bind", "127.0.0.1", port(addr)), addr, peer.StartTimeout)
	if errors.Is(err, exec.ErrNotFound) {
		requireInCI(t, "python3")
	}
	if err != nil {
		t.Fatalf("a server cannot listen on %s: %v", addr, err)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
}

func port(addr string) string { return addr[strings.LastIndex(addr, ":")+1:] }

func TestStartServer(t *testing.T) {
	addr, err := peer.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		script  string
		timeout time.Duration
		want    error // nil: it listens
		output  string
	}{
		{"listens", "echo serving; exec python3 -m http.server --bind 127.0.0.1 " + port(addr), peer.StartTimeout, nil, "serving"},
		{"exits first", "echo 'bad configuration' >&2; exit 1", peer.StartTimeout, peer.ErrExited, "bad configuration"},
		{"never listens", "echo waiting; sleep 30", 500 * time.Millisecond, peer.ErrTimeout, "waiting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			s, err := peer.StartServer(exec.Command("sh", "-c", tt.script), addr, tt.timeout)
			if tt.want != nil {
				if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.output) {
					t.Fatalf("error %v, want %v with the output %q", err, tt.want, tt.output)
				}
				if elapsed := time.Since(start); elapsed > tt.timeout+3*time.Second {
					t.Errorf("StartServer took %v with a timeout of %v", elapsed, tt.timeout)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(s.Output(), tt.output) {
				t.Errorf("output %q, want %q in it", s.Output(), tt.output)
			}
			for range 2 { // stopping twice is not an error
				if err := s.Stop(); err != nil {
					t.Fatal(err)
				}
			}
			if c, err := (&net.Dialer{Timeout: time.Second}).Dial("tcp", addr); err == nil {
				t.Errorf("something still listens on %s after Stop (closing: %v)", addr, c.Close())
			}
		})
	}
}
