package peer_test

import (
	"errors"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"certdesk/core/peer"
)

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
