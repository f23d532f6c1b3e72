// Package testpeer finds and runs the real programs Certdesk's tests talk
// to (openssl, keytool, pk12util, python3, curl, nginx, apache2, haproxy, caddy, gunicorn). Off CI a missing
// peer skips its test; in CI (CI=true) it fails it, so no interop check is
// silently lost.
package testpeer

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Require returns the path of program (also looked for in the sbin folders
// and Debian's /usr/share/easy-rsa), or stops the test: a failure in CI,
// a skip elsewhere.
func Require(t testing.TB, program string) string {
	t.Helper()
	if p, err := exec.LookPath(program); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/share/easy-rsa"} {
		p := dir + "/" + program
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed, and CI needs every interop peer (run `make deps-test`)", program)
	}
	t.Skipf("%s is not installed (run `make deps-test`)", program)
	return ""
}

// Run runs program with args for at most a minute and returns its combined
// output. The test fails when the program fails.
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

// TryInput runs program with stdin fed from input.
func TryInput(t testing.TB, input []byte, program string, args ...string) (string, error) {
	t.Helper()
	path := Require(t, program)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	if input != nil {
		cmd.Stdin = bytes.NewReader(input)
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}
