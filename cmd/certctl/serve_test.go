package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"certdesk/core/testpeer"
)

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
)

// certctlBinary builds certctl once for tests that need a second process.
func certctlBinary(t *testing.T) string {
	t.Helper()
	binaryOnce.Do(func() {
		dir, err := os.MkdirTemp("", "certctl-test-")
		if err != nil {
			binaryErr = err
			return
		}
		binaryPath = filepath.Join(dir, "certctl")
		cmd := exec.Command("go", "build", "-o", binaryPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			binaryErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binaryErr != nil {
		t.Fatal(binaryErr)
	}
	return binaryPath
}

// TestServeAndTry runs `certctl serve` as its own process and drives it
// with `certctl try` and `certctl revoke` from this one, as two terminals would.
func TestServeAndTry(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.ok("init")
	s.ok("ca", "create", "Demo CA")
	s.ok("issue", "--cn", "Alice")
	s.ok("issue", "--cn", "Bob", "--email", "bob@example.com")
	addr := testpeer.FreeAddr(t)

	cmd := exec.Command(certctlBinary(t), "serve", "--addr", addr)
	cmd.Env = append(os.Environ(), "CERTDESK_VAULT="+s.vars["CERTDESK_VAULT"], "CERTDESK_PASSPHRASE="+s.vars["CERTDESK_PASSPHRASE"])
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
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
	waitFor("Serving https://localhost:")

	if out := s.ok("try", "--as", "Alice", "--addr", addr); !strings.Contains(out, "HTTP 200, verdict ok") {
		t.Errorf("try as Alice: %s", out)
	}
	waitFor(`ok               200     "Alice"`)
	out, _, code := s.run("try", "--none", "--addr", addr)
	if code != 3 || !strings.Contains(out, "HTTP 400, verdict no_certificate") {
		t.Errorf("try --none: exit %d %s", code, out)
	}
	waitFor("no_certificate   400")
	out, _, code = s.run("try", "--lookalike", "--addr", addr)
	if code != 3 || !strings.Contains(out, "unknown_ca") || !strings.Contains(out, "look-alike") {
		t.Errorf("try --lookalike: exit %d %s", code, out)
	}
	waitFor(`unknown_ca       403     "Look-alike Person"`)

	// Revoke from "another terminal": the running server refuses Alice within a second.
	revokedAt := time.Now()
	s.ok("revoke", "Alice", "--reason", "keyCompromise")
	var delay time.Duration
	for {
		out, _, _ := s.run("try", "--as", "Alice", "--addr", addr)
		if strings.Contains(out, "verdict revoked") {
			delay = time.Since(revokedAt)
			break
		}
		if time.Since(revokedAt) > 5*time.Second {
			t.Fatalf("still not revoked after 5 s: %s", out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("revocation reached the running server after %v", delay)
	if delay > 2*time.Second {
		t.Errorf("revocation took %v to reach the server; it polls every 250 ms", delay)
	}
	waitFor(`revoked          403     "Alice"`)

	// The generated commands work as pasted.
	testpeer.Require(t, "curl")
	testpeer.Require(t, "python3")
	testpeer.Require(t, "openssl")
	dir := t.TempDir()
	snippets := decodeJSON[[]map[string]string](t, s.ok("try", "--as", "Bob", "--addr", addr, "--commands", "--dir", dir, "--json"))
	if len(snippets) != 4 {
		t.Fatalf("snippets: %v", snippets)
	}
	for _, sn := range snippets {
		out, err := testpeer.Try(t, "bash", "-c", sn["command"])
		if err != nil {
			t.Errorf("%s snippet failed: %v\n%s\n%s", sn["tool"], err, sn["command"], out)
			continue
		}
		if !strings.Contains(out, `"verdict": "ok"`) && !strings.Contains(out, "Bob's certificate is valid") {
			t.Errorf("%s snippet output:\n%s", sn["tool"], out)
		}
		waitFor(`"Bob"`)
	}
	if st, err := os.Stat(filepath.Join(dir, "bob.key")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("bob.key: %v %v", st, err)
	}

	// Ctrl-C stops it cleanly.
	cmd.Process.Signal(syscall.SIGINT)
	waitFor("Stopped after")
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve after Ctrl-C: %v", err)
	}
	t.Logf("certctl serve output:\n%s", strings.Join(output, "\n"))
}

func TestServeUsage(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.ok("init", "--insecure-no-passphrase")
	delete(s.vars, "CERTDESK_PASSPHRASE") // a passphrase given to a vault without one is an error
	s.fails(2, "unknown mode", "serve", "--mode", "lax")
	s.fails(1, "no CA yet", "serve")
	s.fails(2, "choose one of", "try")
	s.fails(2, "choose one of", "try", "--none", "--lookalike")
	s.ok("ca", "create", "X")
	s.fails(1, "is `certctl serve` running", "try", "--none", "--addr", testpeer.FreeAddr(t))
}
