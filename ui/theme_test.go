package ui

import (
	"certdesk/core/certinfo"
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// luminance is WCAG 2's relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := color.NRGBAModel.Convert(c).(color.NRGBA).RGBA()
	lin := func(v uint32) float64 {
		s := float64(v>>8) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is WCAG 2's contrast ratio of two colours, 1 to 21.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// TestTextContrast computes, from the theme's own colours in both
// variants, the contrast of every colour the app writes text in against
// the colour it is written on: at least 4.5:1 (WCAG AA).
func TestTextContrast(t *testing.T) {
	pairs := []struct{ text, on fyne.ThemeColorName }{
		{theme.ColorNameForeground, theme.ColorNameBackground},
		{theme.ColorNameDisabled, theme.ColorNameBackground}, // faint text: status line, counts, hints
		{theme.ColorNameSuccess, theme.ColorNameBackground},
		{theme.ColorNameWarning, theme.ColorNameBackground},
		{theme.ColorNameError, theme.ColorNameBackground},
		{theme.ColorNamePrimary, theme.ColorNameBackground}, // "not yet valid", links
		{theme.ColorNamePlaceHolder, theme.ColorNameInputBackground},
		{theme.ColorNameForeground, theme.ColorNameInputBackground},
		{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary}, // the main buttons
		{theme.ColorNameForegroundOnError, theme.ColorNameError},     // "Stop server", "Revoke…"
		{theme.ColorNameForegroundOnWarning, theme.ColorNameWarning}, // "Renew all…"
		{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess},
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		th := ForcedTheme(v)
		for _, p := range pairs {
			// Inputs are drawn translucent over the background: blend them.
			on := over(th.Color(p.on, v), th.Color(theme.ColorNameBackground, v))
			if got := contrast(th.Color(p.text, v), on); got < 4.5 {
				t.Errorf("variant %d: %s on %s has contrast %.2f:1, below 4.5:1", v, p.text, p.on, got)
			} else {
				t.Logf("variant %d: %s on %s %.2f:1", v, p.text, p.on, got)
			}
		}
	}
}

// over blends c over an opaque background.
func over(c, bg color.Color) color.Color {
	f, b := color.NRGBAModel.Convert(c).(color.NRGBA), color.NRGBAModel.Convert(bg).(color.NRGBA)
	a := float64(f.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{R: mix(f.R, b.R), G: mix(f.G, b.G), B: mix(f.B, b.B), A: 0xff}
}

// TestStatusColourIsTheBadgesColour: the table writes a status in the
// colour Fyne itself gives a label of the status's importance (the detail
// pane's badge), read from a label Fyne renders, for every status.
func TestStatusColourIsTheBadgesColour(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(ForcedTheme(theme.VariantLight))
	want := map[certinfo.Status]fyne.ThemeColorName{
		certinfo.Valid:       theme.ColorNameSuccess,
		certinfo.Expiring:    theme.ColorNameWarning,
		certinfo.NotYetValid: theme.ColorNamePrimary,
		certinfo.Expired:     theme.ColorNameError,
		certinfo.Revoked:     theme.ColorNameError,
	}
	for s, name := range want {
		badge := widget.NewLabel(string(s))
		badge.Importance = statusImportance(s)
		drawn := renderedTextColour(t, badge)
		if drawn != theme.Color(name) {
			t.Errorf("%s: the badge is drawn %v, want %s", s, drawn, name)
		}
		if got := statusColour(s); got != drawn {
			t.Errorf("%s: the table writes it %v, the badge is drawn %v", s, got, drawn)
		}
	}
}

// renderedTextColour is the colour of the text Fyne draws for w.
func renderedTextColour(t *testing.T, w fyne.Widget) color.Color {
	t.Helper()
	var found color.Color
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *canvas.Text:
			found = x.Color
		case fyne.Widget:
			for _, child := range test.WidgetRenderer(x).Objects() {
				walk(child)
			}
		case *fyne.Container:
			for _, child := range x.Objects {
				walk(child)
			}
		}
	}
	walk(w)
	if found == nil {
		t.Fatal("no text drawn")
	}
	return found
}
