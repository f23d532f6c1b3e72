package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/certinfo"
	"certdesk/core/verdict"
)

// certdeskTheme is Fyne's default theme with text colours that keep a
// WCAG AA contrast (4.5:1) on the background in both variants — faint
// (disabled) text, placeholders, success, warning and error — and input
// borders dark enough to see in the light variant, following the
// system's variant or a forced one.
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

func rgb(r, g, b uint8) color.NRGBA { return color.NRGBA{R: r, G: g, B: b, A: 0xff} }

// textColours replace Fyne's defaults where they are too faint to read.
var textColours = map[fyne.ThemeVariant]map[fyne.ThemeColorName]color.Color{
	theme.VariantLight: {
		theme.ColorNameDisabled:    rgb(0x6a, 0x6a, 0x6a),
		theme.ColorNamePlaceHolder: rgb(0x6e, 0x6e, 0x6e),
		theme.ColorNameSuccess:     rgb(0x1a, 0x7f, 0x37),
		theme.ColorNameWarning:     rgb(0x9a, 0x5b, 0x00),
		theme.ColorNameError:       rgb(0xc0, 0x25, 0x25),
		theme.ColorNamePrimary:     rgb(0x15, 0x65, 0xc0),
		theme.ColorNameInputBorder: rgb(0x8a, 0x8a, 0x8a), // 3:1 for a control's edge
	},
	theme.VariantDark: {
		theme.ColorNameDisabled:            rgb(0xa0, 0xa0, 0xa0),
		theme.ColorNamePlaceHolder:         rgb(0xa8, 0xa8, 0xa8),
		theme.ColorNameSuccess:             rgb(0x4a, 0xc2, 0x6b),
		theme.ColorNameWarning:             rgb(0xe3, 0xa0, 0x2b),
		theme.ColorNameError:               rgb(0xff, 0x7b, 0x72),
		theme.ColorNamePrimary:             rgb(0x42, 0xa5, 0xf5),
		theme.ColorNameForegroundOnPrimary: rgb(0x10, 0x10, 0x10),
	},
}

func (t certdeskTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.forced {
		v = t.variant
	}
	if c, ok := textColours[v][n]; ok {
		return c
	}
	return t.Theme.Color(n, v)
}

// statusImportance is how a status stands out, wherever it is shown:
// green when valid, orange when expiring, blue when not yet valid, red
// when expired or revoked.
func statusImportance(s certinfo.Status) widget.Importance {
	switch s {
	case certinfo.Valid:
		return widget.SuccessImportance
	case certinfo.Expiring:
		return widget.WarningImportance
	case certinfo.NotYetValid:
		return widget.HighImportance
	}
	return widget.DangerImportance
}

// statusColour is the colour of a status's text where it is not a label
// (the table's first column): the colour a label of its importance has.
func statusColour(s certinfo.Status) color.Color {
	return theme.Color(importanceColourName(statusImportance(s)))
}

// importanceColourName is the theme colour Fyne gives the text of a label
// of importance i.
func importanceColourName(i widget.Importance) fyne.ThemeColorName {
	switch i {
	case widget.LowImportance:
		return theme.ColorNameDisabled
	case widget.HighImportance:
		return theme.ColorNamePrimary
	case widget.DangerImportance:
		return theme.ColorNameError
	case widget.WarningImportance:
		return theme.ColorNameWarning
	case widget.SuccessImportance:
		return theme.ColorNameSuccess
	}
	return theme.ColorNameForeground
}

// verdictColourName is the theme colour of a verdict.
func verdictColourName(c verdict.Code) fyne.ThemeColorName {
	switch c {
	case verdict.OK:
		return theme.ColorNameSuccess
	case verdict.NoCertificate:
		return theme.ColorNameWarning
	case verdict.NotTLS, verdict.HandshakeFailed:
		return theme.ColorNameDisabled
	}
	return theme.ColorNameError
}

// statusLabel is how a status reads in the UI.
func statusLabel(s certinfo.Status) string {
	switch s {
	case certinfo.NotYetValid:
		return "not yet valid"
	}
	return string(s)
}
