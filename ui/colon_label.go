package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// colonLabel shows a colon-separated hex value (a fingerprint, a key ID)
// in monospace, broken into lines only at colons: as many bytes on a line
// as its width holds.
type colonLabel struct {
	widget.Label
	value   string
	perLine int
}

func newColonLabel(value string) *colonLabel {
	l := &colonLabel{value: value, perLine: 8}
	l.TextStyle = fyne.TextStyle{Monospace: true}
	l.Wrapping = fyne.TextWrapBreak // only a fallback: the lines are made to fit
	l.Text = colonLines(value, l.perLine)
	l.ExtendBaseWidget(l)
	return l
}

// Resize fits as many bytes on a line as the new width holds.
func (l *colonLabel) Resize(size fyne.Size) {
	group := fyne.MeasureText("00:", theme.TextSize(), l.TextStyle).Width
	per := max(1, int((size.Width-2*theme.InnerPadding())/group))
	if per != l.perLine {
		l.perLine = per
		l.Text = colonLines(l.value, per)
		l.Label.Resize(size)
		l.Refresh()
		return
	}
	l.Label.Resize(size)
}

// colonLines breaks "AA:BB:CC…" into lines of per bytes, each line ending
// at a colon.
func colonLines(value string, per int) string {
	parts := strings.Split(value, ":")
	var lines []string
	for len(parts) > per {
		lines = append(lines, strings.Join(parts[:per], ":")+":")
		parts = parts[per:]
	}
	return strings.Join(append(lines, strings.Join(parts, ":")), "\n")
}
