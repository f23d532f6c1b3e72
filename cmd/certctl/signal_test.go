package main

import (
	"crypto/tls"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFirstSignalEndsCommands runs real certctl processes blocked on a
// FIFO nobody writes to and sends one SIGTERM or SIGINT: each ends
// promptly with exit 1 and says why.
func TestFirstSignalEndsCommands(t *testing.T) {
	t.Parallel()
	bin := certctlBinary(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		sig    syscall.Signal
		within time.Duration
		want   string
	}{
		{"inspect a FIFO, SIGTERM", []string{"inspect", fifo}, syscall.SIGTERM, time.Second, "interrupted by a signal"},
		{"bulk CSV from a FIFO, SIGINT", []string{"bulk", "--csv", fifo, "--out", filepath.Join(dir, "out")}, syscall.SIGINT, time.Second, "interrupted by a signal"},
		{"passphrase file a FIFO, SIGTERM", []string{"--vault", filepath.Join(dir, "v.db"), "--passphrase-file", fifo, "init"}, syscall.SIGTERM, time.Second, "interrupted by a signal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bin, tt.args...)
			cmd.Env = append(os.Environ(), "CERTDESK_PASSPHRASE=", "CERTDESK_VAULT="+filepath.Join(dir, "none.db"))
			stderr, done := started(t, cmd)
			select {
			case err := <-done:
				t.Fatalf("ended before the signal: %v\n%s", err, stderr.String())
			case <-time.After(400 * time.Millisecond):
			}
			start := time.Now()
			cmd.Process.Signal(tt.sig)
			select {
			case <-done:
			case <-time.After(tt.within + 5*time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("still running %v after %v\n%s", tt.within+5*time.Second, tt.sig, stderr.String())
			}
			took := time.Since(start)
			t.Logf("ended %v after %v: exit %d, %q", took.Round(time.Millisecond), tt.sig, cmd.ProcessState.ExitCode(), strings.TrimSpace(stderr.String()))
			if took > tt.within {
				t.Errorf("took %v after %v, want at most %v", took, tt.sig, tt.within)
			}
			if code := cmd.ProcessState.ExitCode(); code != exitError || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d (want 1), stderr %q (want %q)", code, stderr.String(), tt.want)
			}
		})
	}
}

// TestStillBusyAfterSignal: `certctl try` against a server that finishes
// the TLS handshake and then never answers waits on a read that the signal
// cannot cancel; certctl ends it stopGrace after SIGTERM.
func TestStillBusyAfterSignal(t *testing.T) {
	t.Parallel()
	bin := certctlBinary(t)
	s := newInsecureSessionWithCA(t, "Acme")
	s.ok("issue", "--server", "--dns", "localhost")
	s.ok("export", "localhost", "--format", "chain", "--out", s.path("server.pem"))
	s.ok("export", "localhost", "--format", "key", "--out", s.path("server.key"))
	cert, err := tls.LoadX509KeyPair(s.path("server.pem"), s.path("server.key"))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	handshakes := make(chan struct{}, 1)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				if conn.(*tls.Conn).Handshake() == nil {
					handshakes <- struct{}{}
				}
				io.Copy(io.Discard, conn) // never answers
			}()
		}
	}()
	cmd := exec.Command(bin, "try", "--none", "--addr", ln.Addr().String())
	cmd.Env = append(os.Environ(), "CERTDESK_VAULT="+s.vars["CERTDESK_VAULT"])
	stderr, done := started(t, cmd)
	select {
	case <-handshakes:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("certctl try never finished a handshake: %s", stderr.String())
	}
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(stopGrace + 5*time.Second):
		cmd.Process.Kill()
		t.Fatalf("still running %v after SIGTERM", stopGrace+5*time.Second)
	}
	took := time.Since(start)
	t.Logf("ended %v after SIGTERM: exit %d, %q", took.Round(time.Millisecond), cmd.ProcessState.ExitCode(), strings.TrimSpace(stderr.String()))
	if took > stopGrace+time.Second || cmd.ProcessState.ExitCode() != exitError || !strings.Contains(stderr.String(), "still busy") {
		t.Errorf("took %v, exit %d, stderr %q; want at most %v, exit 1, \"still busy\"", took, cmd.ProcessState.ExitCode(), stderr.String(), stopGrace+time.Second)
	}
}
