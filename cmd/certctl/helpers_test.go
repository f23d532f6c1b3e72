package main

import (
	"bufio"
	"bytes"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"certdesk/core/peer/peertest"
	"certdesk/core/pki"
)

// The helpers of certctl's tests: a session runs certctl in-process on a
// vault of its own; certctlBinary, command and startServe run it as a
// process of its own; the tamperers change a vault file behind its back.

// session runs certctl in-process against one engine.
type session struct {
	t     *testing.T
	dir   string
	vars  map[string]string
	stdin string
	// typed are the answers to terminal prompts, in order; with none,
	// certctl runs without a terminal.
	typed []string
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
	if s.typed != nil {
		e.prompt = func(label string) ([]byte, error) {
			if len(s.typed) == 0 {
				return nil, fmt.Errorf("nothing typed for %q", label)
			}
			answer := s.typed[0]
			s.typed = s.typed[1:]
			return []byte(answer), nil
		}
	}
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

// environ is this process's environment with the session's vault and
// passphrase, for a certctl of its own.
func (s *session) environ() []string {
	return append(os.Environ(), "CERTDESK_VAULT="+s.vars["CERTDESK_VAULT"], "CERTDESK_PASSPHRASE="+s.vars["CERTDESK_PASSPHRASE"])
}

// command is certctl with args as a process of its own on the session's
// vault, ended at the latest when the test ends.
func (s *session) command(args ...string) *exec.Cmd {
	cmd := exec.CommandContext(s.t.Context(), certctlBinary(s.t), args...)
	cmd.Env = s.environ()
	return cmd
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

// newVaultSession starts a session with a new passphrase-protected vault
// and no CA yet.
func newVaultSession(t *testing.T) *session {
	s := newSession(t)
	s.ok("init")
	return s
}

// newSessionWithCA starts a session with a passphrase-protected vault
// holding one CA named ca and a person certificate for each of people.
func newSessionWithCA(t *testing.T, ca string, people ...string) *session {
	s := newVaultSession(t)
	s.addCA(ca, people)
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

// newInsecureSessionWithCA is newInsecureSession with one CA named ca
// and a person certificate for each of people.
func newInsecureSessionWithCA(t *testing.T, ca string, people ...string) *session {
	s := newInsecureSession(t)
	s.addCA(ca, people)
	return s
}

// addCA creates the CA named ca and issues a person certificate for each
// of people.
func (s *session) addCA(ca string, people []string) {
	s.t.Helper()
	s.ok("ca", "create", ca)
	for _, cn := range people {
		s.ok("issue", "--cn", cn)
	}
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

// buildCertctl builds certctl, once, into a temporary folder.
var buildCertctl = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "certctl-test-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "certctl")
	cmd := exec.Command("go", "build", "-o", path, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return path, nil
})

// certctlBinary is certctl built for tests that need a second process.
func certctlBinary(t *testing.T) string {
	t.Helper()
	path, err := buildCertctl()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// served is a `certctl serve` process.
type served struct {
	addr    string
	cmd     *exec.Cmd
	waitFor func(substr string) string // waits for a line of its output
	output  *[]string
}

// startServe runs `certctl serve` (with args) as its own process on a free
// loopback port until the test ends, and waits until it serves.
func startServe(t *testing.T, s *session, args ...string) served {
	t.Helper()
	addr := peertest.FreeAddr(t)
	cmd := s.command(append([]string{"serve", "--addr", addr}, args...)...)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var output []string
	waitFor := func(substr string) string {
		t.Helper()
		timeout := time.After(15 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("serve ended before printing %q:\n%s", substr, strings.Join(output, "\n"))
				}
				output = append(output, l)
				if strings.Contains(l, substr) {
					return l
				}
			case <-timeout:
				t.Fatalf("serve never printed %q:\n%s", substr, strings.Join(output, "\n"))
			}
		}
	}
	waitFor("Test server at https://localhost:")
	return served{addr: addr, cmd: cmd, waitFor: waitFor, output: &output}
}

// sqlOn runs queries on the SQLite vault file at path, as someone who
// changes the file behind certctl's back.
func sqlOn(t *testing.T, path string, queries ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range queries {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// deleteRevocation deletes Alice's revocation and its audit entry from the
// vault at path.
func deleteRevocation(t *testing.T, path string) {
	sqlOn(t, path, `UPDATE certs SET revoked_at = NULL, revocation_reason = NULL WHERE common_name = 'Alice'`,
		`DELETE FROM audit WHERE action = 'cert.revoke'`)
}

// swapCA replaces the certificate of the vault's first CA, "Acme", by a
// foreign CA of the same name, with the fingerprints and serial to match,
// and returns the foreign CA.
func swapCA(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	foreign := foreignCA(t)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Exec(`UPDATE cert_blobs SET der = ? WHERE cert_id = 1`, foreign.Raw)
	db.Exec(`UPDATE certs SET fingerprint_sha256 = ?, fingerprint_sha1 = ?, serial = ? WHERE id = 1`,
		pki.FingerprintSHA256(foreign.Raw), pki.FingerprintSHA1(foreign.Raw), pki.SerialHex(foreign.SerialNumber))
	return foreign
}

// foreignCA is a new CA named "Acme", made outside any vault.
func foreignCA(t *testing.T) *x509.Certificate {
	t.Helper()
	ca, err := pki.NewCA(pki.CARequest{Name: pki.Name{CommonName: "Acme"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return ca.Cert
}

// opensslCA makes a self-signed CA with openssl as an admin would, with
// the key usages keyUsage: name.crt and name.key in the session's folder,
// the key made as keyArgs say (openssl req's -newkey and what follows it).
func opensslCA(t *testing.T, s *session, name, subject, keyUsage string, keyArgs ...string) {
	t.Helper()
	args := append([]string{"req", "-x509", "-newkey"}, keyArgs...)
	args = append(args, "-keyout", s.path(name+".key"), "-out", s.path(name+".crt"), "-days", "365", "-subj", subject,
		"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,"+keyUsage)
	peertest.Run(t, "openssl", args...)
}
