package main

import (
	"os"
	"path/filepath"
	"strings"
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
