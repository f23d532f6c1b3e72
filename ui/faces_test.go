package ui

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"certdesk/core/engine"
	"certdesk/core/export"
	"certdesk/core/mtls"
	"certdesk/core/pki"
)

// The app and certctl are two faces of one engine: for the workflows they
// share, the same request gives the same outcome. These tests run each
// workflow through the app's jobs (what its widgets call) and through the
// real certctl binary on the same vault, and compare.

var certctlBuild struct {
	once sync.Once
	path string
	err  error
}

// certctlBinary builds certctl once for these tests.
func certctlBinary(t *testing.T) string {
	t.Helper()
	certctlBuild.once.Do(func() {
		dir, err := os.MkdirTemp("", "certctl-faces-")
		if err != nil {
			certctlBuild.err = err
			return
		}
		certctlBuild.path = filepath.Join(dir, "certctl")
		cmd := exec.Command("go", "build", "-o", certctlBuild.path, "../cmd/certctl")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			certctlBuild.err = errors.New(string(out))
		}
	})
	if certctlBuild.err != nil {
		t.Fatalf("building certctl: %v", certctlBuild.err)
	}
	return certctlBuild.path
}

// certctl runs the binary on a vault and returns its output and exit code.
func certctl(t *testing.T, vault string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(certctlBinary(t), append([]string{"--vault", vault}, args...)...)
	cmd.Env = append(os.Environ(), "CERTDESK_PASSPHRASE=")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return string(out), 0
}

// facesVault is an insecure vault with a CA and Alice, opened in the app.
func facesVault(t *testing.T) (*harness, string, engine.CA, engine.Record) {
	t.Helper()
	path := newVaultWithCA(t, t.TempDir())
	h := newHarness(t, Options{VaultPath: path})
	h.app.Start()
	h.settle()
	j := h.app.jobs()
	ca, err := j.v.CAByName(context.Background(), "Acme")
	if err != nil {
		t.Fatal(err)
	}
	alice, err := j.issuePersonWith(context.Background(), ca, "", pki.PersonRequest{Name: pki.Name{CommonName: "Alice"}})
	if err != nil {
		t.Fatal(err)
	}
	return h, path, ca, alice
}

func TestFacesAgreeOnTry(t *testing.T) {
	h, path, ca, alice := facesVault(t)
	j := h.app.jobs()
	tries := []struct {
		name string
		mode tryMode
		args []string
	}{
		{"a valid person", tryAsChosen, []string{"--as", "Alice"}},
		{"no certificate", tryNoCertificate, []string{"--none"}},
		{"a look-alike", tryLookalike, []string{"--lookalike", "--ca", "Acme"}},
	}
	for _, mode := range mtls.Modes {
		live, err := j.startServer(engine.ServerOptions{CA: ca, Addr: "127.0.0.1:0", Mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		addr := live.server.Addr().String()
		for _, try := range tries {
			app := j.connect(tryRequest{mode: try.mode, addr: addr, ca: ca, as: alice, asName: alice.CommonName})
			if app.err != nil {
				t.Fatalf("%s mode, %s: the app could not connect: %v", mode, try.name, app.err)
			}
			out, code := certctl(t, path, append([]string{"try", "--addr", addr}, try.args...)...)
			cliLetIn := code == 0
			if code != 0 && code != 3 {
				t.Fatalf("%s mode, %s: certctl exit %d: %s", mode, try.name, code, out)
			}
			if app.accepted != cliLetIn || firstWord(app.summary) != firstWord(out) {
				t.Errorf("%s mode, %s: the app says %q, certctl (exit %d) says %q", mode, try.name, app.summary, code, out)
			}
		}
		stopServer(live)
	}
}

func firstWord(s string) string {
	word, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	return word
}

func TestFacesAgreeOnExport(t *testing.T) {
	h, path, _, alice := facesVault(t)
	j := h.app.jobs()
	dir := t.TempDir()
	for _, f := range export.Formats {
		appFile, cliFile := filepath.Join(dir, "app-"+string(f)), filepath.Join(dir, "cli-"+string(f))
		password := ""
		if f == export.P12 {
			password = "faces-pass"
		}
		if err := j.writeExport(alice, f, export.Options{Password: password, Preset: export.Compatible}, appFile); err != nil {
			t.Fatalf("%s: the app: %v", f, err)
		}
		args := []string{"export", "Alice", "--format", string(f), "--out", cliFile}
		if password != "" {
			pwFile := filepath.Join(dir, "password")
			os.WriteFile(pwFile, []byte(password+"\n"), 0o600)
			args = append(args, "--password-file", pwFile)
		}
		if out, code := certctl(t, path, args...); code != 0 {
			t.Fatalf("%s: certctl exit %d: %s", f, code, out)
		}
		appData, _ := os.ReadFile(appFile)
		cliData, _ := os.ReadFile(cliFile)
		if !sameExport(t, f, appData, cliData, password) {
			t.Errorf("%s: the app and certctl wrote different things", f)
		}
		appMode, cliMode := fileMode(t, appFile), fileMode(t, cliFile)
		if appMode != cliMode {
			t.Errorf("%s: the app wrote mode %v, certctl %v", f, appMode, cliMode)
		}
	}
}

// sameExport compares two exports: byte for byte, or for PKCS#12 (whose
// salts are random) by what the files hold.
func sameExport(t *testing.T, f export.Format, a, b []byte, password string) bool {
	t.Helper()
	if f != export.P12 {
		return len(a) > 0 && bytes.Equal(a, b)
	}
	keyA, certA, _, errA := pkcs12.DecodeChain(a, password)
	keyB, certB, _, errB := pkcs12.DecodeChain(b, password)
	if errA != nil || errB != nil {
		t.Fatalf("PKCS#12 does not open: app %v, certctl %v", errA, errB)
	}
	sa, _ := keyA.(interface{ Equal(crypto.PrivateKey) bool })
	return certA.Equal(certB) && sa != nil && sa.Equal(keyB)
}

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func TestFacesAgreeOnAWrongPassword(t *testing.T) {
	h, path, ca, _ := facesVault(t)
	j := h.app.jobs()
	dir := t.TempDir()
	p12 := filepath.Join(dir, "ca.p12")
	if err := j.writeExport(ca.Cert, export.P12, export.Options{Password: "right"}, p12); err != nil {
		t.Fatal(err)
	}
	wrong := filepath.Join(dir, "wrong")
	os.WriteFile(wrong, []byte("wrong\n"), 0o600)

	_, _, appErr := j.importCA("From app", p12, "", "wrong")
	out, code := certctl(t, path, "ca", "import", "From cli", "--p12", p12, "--password-file", wrong)
	if !errors.Is(appErr, pki.ErrWrongPassword) {
		t.Errorf("the app: %v, want a wrong-password error", appErr)
	}
	if code != 1 || !strings.Contains(out, pki.ErrWrongPassword.Error()) {
		t.Errorf("certctl: exit %d %q, want exit 1 saying %q", code, out, pki.ErrWrongPassword)
	}
	cas, err := j.cas()
	if err != nil || len(cas) != 1 {
		t.Errorf("a refused import changed the CAs: %d, %v", len(cas), err)
	}
}
