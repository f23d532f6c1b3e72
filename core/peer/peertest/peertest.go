// Package peertest holds the test helpers over package peer: find a peer
// program or stop the test, run one or fail the test, start a server for
// the length of a test. Off CI a missing peer skips its test; in CI
// (CI=true) it fails it, so no interop check is silently lost.
//
// It is for _test.go files only. It is not under core/internal because the
// tests of cmd/certctl and cmd/certdesk use it too, and Go lets only
// packages under core/ import core/internal.
package peertest

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"certdesk/core/peer"
)

// Require returns the path of program (see peer.Find), or stops the test:
// a failure in CI, a skip elsewhere.
func Require(t testing.TB, program string) string {
	t.Helper()
	path, err := peer.Find(program)
	switch {
	case err == nil:
		return path
	case peer.Required():
		t.Fatalf("%v, and CI needs every interop peer", err)
	default:
		t.Skip(err)
	}
	return ""
}

// Run runs program with args for at most peer.RunTimeout and returns its
// combined output. The test fails when the program fails.
func Run(t testing.TB, program string, args ...string) string {
	t.Helper()
	out, err := Try(t, program, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", program, strings.Join(args, " "), err, out)
	}
	return out
}

// Try runs program like Run but returns its error instead of failing.
func Try(t testing.TB, program string, args ...string) (string, error) {
	t.Helper()
	return TryInput(t, nil, program, args...)
}

// TryInput runs program like Try with stdin fed from input.
func TryInput(t testing.TB, input []byte, program string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(Require(t, program), args...)
	if input != nil {
		cmd.Stdin = bytes.NewReader(input)
	}
	return peer.Run(cmd, peer.RunTimeout)
}

// FreeAddr returns a loopback address with a port that was free a moment
// ago, for a server the test starts.
func FreeAddr(t testing.TB) string {
	t.Helper()
	addr, err := peer.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// StartServer starts cmd and waits until it listens on addr (see
// peer.StartServer), or fails the test; the server is stopped when the test
// ends.
func StartServer(t testing.TB, cmd *exec.Cmd, addr string) *peer.Process {
	t.Helper()
	s, err := peer.StartServer(cmd, addr, peer.StartTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// WriteFile writes a file for the test (mode 0600, the mode of key
// files), or fails the test.
func WriteFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// ReadFile reads a file the test wrote or a program made, or fails the test.
func ReadFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
