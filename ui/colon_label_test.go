package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestFingerprintsWrapAtColons: every line of a fingerprint ends at a
// colon and holds whole bytes, at any width.
func TestFingerprintsWrapAtColons(t *testing.T) {
	test.NewTempApp(t)
	fp := "47:B1:B5:2E:95:68:84:89:CE:36:4B:A0:38:5C:C1:E0:20:08:17:B5:99:DC:BA:0D:8B:F2:14:E1:D8:83:F5:92"
	for _, width := range []float32{120, 200, 330, 900} {
		l := newColonLabel(fp)
		l.Resize(fyne.NewSize(width, 200))
		lines := strings.Split(l.Text, "\n")
		if strings.ReplaceAll(l.Text, "\n", "") != fp {
			t.Fatalf("width %.0f: %q is not the fingerprint", width, l.Text)
		}
		for i, line := range lines {
			if i < len(lines)-1 && !strings.HasSuffix(line, ":") {
				t.Errorf("width %.0f: line %q does not end at a colon", width, line)
			}
			for _, b := range strings.Split(strings.TrimSuffix(line, ":"), ":") {
				if len(b) != 2 {
					t.Errorf("width %.0f: line %q splits a byte", width, line)
				}
			}
			if w := fyne.MeasureText(line, 14, l.TextStyle).Width; w > width {
				t.Errorf("width %.0f: line %q is %.0f wide", width, line, w)
			}
		}
	}
}
