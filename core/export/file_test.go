package export

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestForceReplacesRegularFilesOnly: --force over a FIFO, a /dev/null-like
// character device, a folder or a symbolic link is refused and leaves the
// path as it was (as root, `--out /dev/stdout` used to become a key file).
func TestForceReplacesRegularFilesOnly(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	null := filepath.Join(dir, "null")
	if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, int(1<<8|3)); err != nil { // major 1, minor 3: /dev/null
		if os.Getenv("CI") == "true" {
			t.Fatalf("mknod (CI runs as root): %v", err)
		}
		t.Logf("no device node (not root?): %v; using /dev/null's kind only through the FIFO and link cases", err)
		null = ""
	}
	folder := filepath.Join(dir, "folder")
	os.Mkdir(folder, 0o700)
	target := filepath.Join(dir, "target")
	os.WriteFile(target, []byte("keep"), 0o600)
	link := filepath.Join(dir, "link")
	os.Symlink(target, link)
	tests := []struct {
		name, path string
		kind       fs.FileMode
	}{
		{"FIFO", fifo, fs.ModeNamedPipe},
		{"character device", null, fs.ModeDevice | fs.ModeCharDevice},
		{"folder", folder, fs.ModeDir},
		{"symbolic link", link, fs.ModeSymlink},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path == "" {
				t.Skip("no device node")
			}
			for _, force := range []bool{false, true} {
				done := make(chan error, 1)
				go func() { done <- WriteFile(tt.path, []byte("SECRET KEY"), true, force) }()
				var err error
				select {
				case err = <-done:
				case <-time.After(5 * time.Second):
					t.Fatalf("force=%v: WriteFile blocked on the %s", force, tt.name)
				}
				if err == nil {
					t.Fatalf("force=%v: the %s was written over", force, tt.name)
				}
				if force && !errors.Is(err, ErrNotRegular) {
					t.Errorf("force: %v, want ErrNotRegular", err)
				}
				st, lerr := os.Lstat(tt.path)
				if lerr != nil || st.Mode().Type() != tt.kind.Type() {
					t.Fatalf("force=%v: the %s is now %v (%v)", force, tt.name, st.Mode(), lerr)
				}
			}
		})
	}
	if got, _ := os.ReadFile(target); string(got) != "keep" {
		t.Errorf("the link's target was changed: %q", got)
	}
}

// TestWriteErrorsNameTheChosenFile: a failure names the file asked for,
// not the temporary file beside it.
func TestWriteErrorsNameTheChosenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "key.pem")
	for _, force := range []bool{false, true} {
		err := WriteFile(path, []byte("x"), true, force)
		if err == nil || strings.Contains(err.Error(), ".certdesk-") || !strings.Contains(err.Error(), path) {
			t.Errorf("force=%v: %v", force, err)
		}
	}
}
