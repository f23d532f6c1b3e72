package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"certdesk/core/certinfo"
	"certdesk/core/verdict"
)

// certdeskTheme is Fyne's default theme with input borders dark enough to
// see in the light variant (an unticked check box there is almost white on
// white), following the system's variant or a forced one.
type certdeskTheme struct {
	fyne.Theme
	forced  bool
	variant fyne.ThemeVariant
}

// Theme follows the system's light or dark variant.
func Theme() fyne.Theme { return certdeskTheme{Theme: theme.DefaultTheme()} }

// ForcedTheme is Theme fixed to one variant.
func ForcedTheme(v fyne.ThemeVariant) fyne.Theme {
	return certdeskTheme{Theme: theme.DefaultTheme(), forced: true, variant: v}
}

// lightInputBorder is dark enough for a 3:1 contrast with a white background.
var lightInputBorder = color.NRGBA{R: 0x8a, G: 0x8a, B: 0x8a, A: 0xff}

func (t certdeskTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.forced {
		v = t.variant
	}
	if n == theme.ColorNameInputBorder && v == theme.VariantLight {
		return lightInputBorder
	}
	return t.Theme.Color(n, v)
}

// Colours for statuses and verdicts, readable on light and dark backgrounds.
var (
	colourGood    = color.NRGBA{R: 0x2e, G: 0xa0, B: 0x4f, A: 0xff}
	colourWarn    = color.NRGBA{R: 0xd9, G: 0x8a, B: 0x00, A: 0xff}
	colourBad     = color.NRGBA{R: 0xd6, G: 0x3a, B: 0x3a, A: 0xff}
	colourNeutral = color.NRGBA{R: 0x6b, G: 0x78, B: 0x90, A: 0xff}
	colourFuture  = color.NRGBA{R: 0x3b, G: 0x7d, B: 0xd8, A: 0xff}
)

func statusColour(s certinfo.Status) color.Color {
	switch s {
	case certinfo.Valid:
		return colourGood
	case certinfo.Expiring:
		return colourWarn
	case certinfo.NotYetValid:
		return colourFuture
	case certinfo.Expired, certinfo.Revoked:
		return colourBad
	}
	return colourNeutral
}

func verdictColour(c verdict.Code) color.Color {
	switch c {
	case verdict.OK:
		return colourGood
	case verdict.NoCertificate:
		return colourWarn
	case verdict.NotTLS, verdict.HandshakeFailed:
		return colourNeutral
	}
	return colourBad
}

// statusLabel is how a status reads in the UI.
func statusLabel(s certinfo.Status) string {
	switch s {
	case certinfo.NotYetValid:
		return "not yet valid"
	}
	return string(s)
}
