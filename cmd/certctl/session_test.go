package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// session runs certctl in-process against one engine.
type session struct {
	t     *testing.T
	dir   string
	vars  map[string]string
	stdin string
}

func newSession(t *testing.T) *session {
	dir := t.TempDir()
	return &session{t: t, dir: dir, vars: map[string]string{
		"CERTDESK_VAULT":      filepath.Join(dir, "vault.db"),
		"CERTDESK_PASSPHRASE": "correct horse battery",
	}}
}

func (s *session) run(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	e := env{stdin: strings.NewReader(s.stdin), stdout: &out, stderr: &errOut, getenv: func(k string) string { return s.vars[k] }}
	code = run(args, e)
	return out.String(), errOut.String(), code
}

// ok runs certctl and fails the test unless it exits 0.
func (s *session) ok(args ...string) string {
	s.t.Helper()
	out, errOut, code := s.run(args...)
	if code != 0 {
		s.t.Fatalf("certctl %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// fails runs certctl and checks its exit code and message.
func (s *session) fails(wantCode int, wantMsg string, args ...string) {
	s.t.Helper()
	out, errOut, code := s.run(args...)
	if code != wantCode || !strings.Contains(errOut, wantMsg) {
		s.t.Fatalf("certctl %s: exit %d, stderr %q (stdout %q); want exit %d with %q", strings.Join(args, " "), code, errOut, out, wantCode, wantMsg)
	}
}

func (s *session) path(name string) string { return filepath.Join(s.dir, name) }

func (s *session) write(name, content string) string {
	p := s.path(name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		s.t.Fatal(err)
	}
	return p
}

func decodeJSON[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	return v
}

// newSessionWithCA starts a session with a passphrase-protected vault
// holding one CA named ca.
func newSessionWithCA(t *testing.T, ca string) *session {
	s := newSession(t)
	s.ok("init")
	s.ok("ca", "create", ca)
	return s
}

// newInsecureSession starts a session with a demo vault that has no
// passphrase, and gives none (a passphrase given to a vault without one is
// an error).
func newInsecureSession(t *testing.T) *session {
	s := newSession(t)
	s.ok("init", "--insecure-no-passphrase")
	delete(s.vars, "CERTDESK_PASSPHRASE")
	return s
}

// newInsecureSessionWithCA is newInsecureSession with one CA named ca.
func newInsecureSessionWithCA(t *testing.T, ca string) *session {
	s := newInsecureSession(t)
	s.ok("ca", "create", ca)
	return s
}

// peopleCSV is a CSV of n people, "Person i,pi@example.com".
func peopleCSV(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Person %d,p%d@example.com\n", i, i)
	}
	return b.String()
}

// started starts cmd with its stderr in the returned builder; the channel
// gets what cmd.Wait returns.
func started(t *testing.T, cmd *exec.Cmd) (*strings.Builder, <-chan error) {
	t.Helper()
	stderr := &strings.Builder{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	return stderr, done
}

// wantAll fails the test for each of wants that text lacks; what names the
// text in the message.
func wantAll(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}
