package main

import (
	"os"
	"syscall"
	"testing"
)

// TestForceOverSpecialFiles: `export` (with or without --force) and `crl` over a FIFO
// or a folder are refused and leave them as they were (as root, --out
// /dev/stdout used to become a key file).
func TestForceOverSpecialFiles(t *testing.T) {
	t.Parallel()
	s := newInsecureSessionWithCA(t, "Acme")
	s.ok("issue", "--cn", "Alice")
	fifo := s.path("fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	folder := s.path("folder")
	os.Mkdir(folder, 0o700)
	for _, path := range []string{fifo, folder} {
		s.fails(1, "is not a regular file", "export", "Alice", "--format", "key", "--force", "--out", path)
		s.fails(1, path, "crl", "--out", path)
		s.fails(1, "already exists", "export", "Alice", "--format", "pem", "--out", path)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO is now %v (%v)", st.Mode(), err)
	}
	if st, err := os.Lstat(folder); err != nil || !st.IsDir() {
		t.Errorf("the folder is now %v (%v)", st.Mode(), err)
	}
}
