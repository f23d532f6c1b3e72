package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"certdesk/core/certinfo"
	"certdesk/core/verdict"
)

// variantTheme forces the light or dark variant of the default theme.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

// ForcedTheme returns the default theme fixed to one variant.
func ForcedTheme(v fyne.ThemeVariant) fyne.Theme {
	return variantTheme{Theme: theme.DefaultTheme(), variant: v}
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
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
