package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestNastyInputs inspects and verifies every hostile file in
// testdata/inputs: each is refused with a clear error or shown with its
// control characters neutralised; nothing panics.
func TestNastyInputs(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "inputs", "*"))
	if len(files) < 5 {
		t.Fatalf("only %d files in testdata/inputs", len(files))
	}
	s := newInsecureSessionWithCA(t, "Nasty CA")
	for _, f := range files {
		if strings.HasSuffix(f, ".md") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			for _, args := range [][]string{{"inspect", f}, {"inspect", f, "--json"}, {"verify", f}} {
				out, errOut, code := s.run(args...)
				if code != 0 && code != 1 && code != 3 {
					t.Errorf("%v: exit %d", args, code)
				}
				if code == 1 && !strings.Contains(errOut, "certctl: ") {
					t.Errorf("%v: failed without saying why: %q", args, errOut)
				}
				for _, bad := range []string{"\x1b", "\u202e", "\x00"} {
					if strings.Contains(out+errOut, bad) {
						t.Errorf("%v: output holds a raw %q:\n%s%s", args, bad, out, errOut)
					}
				}
			}
		})
	}
	data, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "inputs", "bidi-control.pem"))
	if len(data) == 0 {
		t.Fatal("bidi-control.pem is missing")
	}
	out := s.ok("inspect", filepath.Join("..", "..", "testdata", "inputs", "bidi-control.pem"))
	if !strings.Contains(out, `evil\u202Egpj.exe`) || !strings.Contains(out, `esc\x1B[31mred`) {
		t.Errorf("control characters are not shown escaped:\n%s", out)
	}
}

// TestForceOverSpecialFiles: `export` (with or without --force) and `crl` over a FIFO
// or a folder are refused and leave them as they were (as root, --out
// /dev/stdout used to become a key file).
func TestForceOverSpecialFiles(t *testing.T) {
	t.Parallel()
	s := newInsecureSessionWithCA(t, "Acme", "Alice")
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

// TestBulkHostileCSV: a bare quote is an error naming its line (it used to
// panic in encoding/csv), and names full of terminal escapes or 50 MB long
// reach stderr escaped and shortened.
func TestBulkHostileCSV(t *testing.T) {
	t.Parallel()
	s := newInsecureSessionWithCA(t, "Team CA")
	bare := s.write("bare.csv", "Ann,ann@example.com\n=HYPERLINK(\"http://x/\"&A2),a@example.com\n")
	_, errOut, code := s.run("bulk", "--csv", bare, "--out", s.path("out"))
	if code != 1 || !strings.Contains(errOut, "line 2") || strings.Contains(errOut, "panic") {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	huge := strings.Repeat("\x1b[2J\x1b]0;owned\x07", 10) + strings.Repeat("N", 50<<20)
	hostile := s.write("hostile.csv", huge+",bad-address\n\x1b[31mRed\x1b[0m,also-bad\n")
	_, errOut, code = s.run("bulk", "--csv", hostile, "--out", s.path("out2"))
	if code != 1 || !strings.Contains(errOut, `row 2 (\x1B[31mRed\x1B[0m)`) {
		t.Errorf("exit %d, stderr %.500q", code, errOut)
	}
	if strings.ContainsAny(errOut, "\x1b\x07") || len(errOut) > 16<<10 {
		t.Errorf("stderr holds raw escapes or is %d bytes: %.300q", len(errOut), errOut)
	}
}
