// Package peer locates and runs the external programs Certdesk is checked
// against — openssl, curl, nginx, python3, keytool, pk12util, apache2,
// haproxy, caddy, gunicorn and the like — for the tests and for certbench:
// it finds a program, runs it bounded in time, starts one as a server and
// stops it again, picks free loopback addresses and writes nginx
// configurations. It does not import testing; the helpers that stop a test
// are in peertest.
package peer

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
)

// ErrNotInstalled is what a NotInstalledError is: errors.Is(err,
// ErrNotInstalled) holds for a program Find did not find.
var ErrNotInstalled = errors.New("not installed")

// NotInstalledError says which program Find did not find.
type NotInstalledError struct{ Program string }

func (e *NotInstalledError) Error() string {
	return e.Program + " is not installed (run `make deps-test`)"
}

// Is makes errors.Is(err, ErrNotInstalled) true.
func (e *NotInstalledError) Is(target error) bool { return target == ErrNotInstalled }

// searchDirs are looked in after PATH: servers live in the sbin folders,
// which ordinary users' PATH leaves out, and Debian puts easyrsa in its own.
var searchDirs = []string{"/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/share/easy-rsa"}

// Find returns the path of program, looked for in PATH and then in the
// sbin folders and Debian's /usr/share/easy-rsa. A program that is not
// there gives a *NotInstalledError.
func Find(program string) (string, error) {
	if p, err := exec.LookPath(program); err == nil {
		return p, nil
	}
	for _, dir := range searchDirs {
		p := filepath.Join(dir, program)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", &NotInstalledError{Program: program}
}

// Required reports whether every peer must be present: in CI (CI=true) a
// missing peer fails its test, so no interop check is silently lost;
// elsewhere the test is skipped.
func Required() bool { return os.Getenv("CI") == "true" }
