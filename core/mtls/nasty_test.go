package mtls

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certdesk/core/pki"
	"certdesk/core/verdict"
)

// TestPageShowsHostileCertificates renders the page for every hostile
// certificate in testdata/inputs: it never fails, and control characters
// come out escaped.
func TestPageShowsHostileCertificates(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "inputs", "*.pem"))
	rendered := 0
	for _, f := range files {
		data, _ := os.ReadFile(f)
		certs, err := pki.ParseCertificates(data)
		if err != nil {
			continue
		}
		var chain [][]byte
		for _, c := range certs {
			chain = append(chain, c.Raw)
		}
		trust, now := verdict.NewTrust(nil), time.Now()
		res := verdict.JudgeCertificates(certs, trust, now)
		j := judged{result: res, checklist: judgedChecklist(certs, res, trust, Explain, now)}
		var out bytes.Buffer
		if err := pageTemplate.Execute(&out, newPageData(j, 403, Explain, nil)); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		for _, bad := range []string{"\x1b", "\u202e", "\x00"} {
			if strings.Contains(out.String(), bad) {
				t.Errorf("%s: the page holds a raw %q", filepath.Base(f), bad)
			}
		}
		rendered++
	}
	if rendered < 5 {
		t.Fatalf("only %d hostile certificates rendered", rendered)
	}
}
