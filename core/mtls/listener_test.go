package mtls

import (
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"certdesk/core/peer/peertest"
)

// TestURLAndExposure: all addresses (Go shows 0.0.0.0 as [::]) give a
// URL that works here (localhost, which the certificate names) and a
// warning; loopback gives no warning.
func TestURLAndExposure(t *testing.T) {
	tests := []struct {
		ip      string
		url     string
		warning string
	}{
		{"127.0.0.1", "https://localhost:8443/", ""},
		{"::1", "https://localhost:8443/", ""},
		{"0.0.0.0", "https://localhost:8443/", "every network interface"},
		{"::", "https://localhost:8443/", "every network interface"},
		{"192.0.2.7", "https://192.0.2.7:8443/", "on 192.0.2.7, reachable from other machines"},
		{"2001:db8::7", "https://[2001:db8::7]:8443/", "on 2001:db8::7"},
	}
	for _, tt := range tests {
		addr := &net.TCPAddr{IP: net.ParseIP(tt.ip), Port: 8443}
		if got := urlFor(addr); got != tt.url {
			t.Errorf("%s: URL %s, want %s", tt.ip, got, tt.url)
		}
		got := exposureFor(addr)
		if (tt.warning == "") != (got == "") || !strings.Contains(got, tt.warning) {
			t.Errorf("%s: warning %q, want one with %q", tt.ip, got, tt.warning)
		}
	}
}

// TestPerAddressLimit: of 1,024 stalled connections from 127.0.0.1 (the
// whole default limit) the server keeps half and closes the rest at once;
// curl from 127.0.0.2 is served at once. (Without the limit curl times
// out: every slot is held.)
func TestPerAddressLimit(t *testing.T) {
	curl := peertest.Require(t, "curl")
	f := startFixture(t, Config{})
	c := f.m.Cases[0]
	files, err := PrepareClientFiles(t.TempDir(), c.Certs[0], c.Certs, c.Key, f.m.Root.Cert)
	if err != nil {
		t.Fatal(err)
	}
	addr := f.server.Addr().String()
	port := addr[strings.LastIndex(addr, ":")+1:]
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, Timeout: 5 * time.Second}
	var stalled []net.Conn
	defer func() {
		for _, c := range stalled {
			c.Close()
		}
	}()
	for range DefaultMaxConns {
		conn, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("after %d connections: %v", len(stalled), err)
		}
		stalled = append(stalled, conn)
	}
	// Those over the share are closed by the server: a read ends at once.
	var closed sync.WaitGroup
	var mu sync.Mutex
	ended := 0
	for _, conn := range stalled {
		closed.Add(1)
		go func() {
			defer closed.Done()
			conn.SetReadDeadline(time.Now().Add(2 * time.Second))
			if _, err := conn.Read(make([]byte, 1)); err != nil && !isTimeout(err) {
				mu.Lock()
				ended++
				mu.Unlock()
			}
		}()
	}
	start := time.Now()
	out, err := exec.Command(curl, "--silent", "--show-error", "--max-time", "5", "--interface", "127.0.0.2",
		"--resolve", "localhost:"+port+":127.0.0.1", "--cacert", files.CAFile, "--cert", files.CertFile, "--key", files.KeyFile,
		"https://localhost:"+port+"/api/whoami").CombinedOutput()
	took := time.Since(start)
	if err != nil || !strings.Contains(string(out), `"verdict": "ok"`) {
		t.Fatalf("curl from 127.0.0.2 with 1,024 stalled connections from 127.0.0.1: %v\n%s", err, out)
	}
	closed.Wait()
	t.Logf("curl from 127.0.0.2 served in %v; %d of %d stalled connections from 127.0.0.1 closed at once", took.Round(time.Millisecond), ended, len(stalled))
	if took > 3*time.Second {
		t.Errorf("curl from another address took %v", took)
	}
	if want := DefaultMaxConns / 2; ended != want {
		t.Errorf("%d connections closed at once, want the %d over half the slots", ended, want)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}
