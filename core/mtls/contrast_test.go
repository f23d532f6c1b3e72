package mtls

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestPageContrast computes, from page.html's own colours, the contrast of
// every text colour on the backgrounds it is shown on, in the light and the
// dark theme: at least 4.5:1 (WCAG AA) everywhere.
func TestPageContrast(t *testing.T) {
	html, err := pageFS.ReadFile("page.html")
	if err != nil {
		t.Fatal(err)
	}
	css := string(html)
	dark := strings.Index(css, "@media (prefers-color-scheme: dark)")
	if dark < 0 {
		t.Fatal("page.html has no dark theme")
	}
	themes := map[string]map[string]string{"light": cssVars(css[:dark]), "dark": cssVars(css[dark:])}
	pairs := [][2]string{
		{"text", "bg"}, {"text", "card"}, {"muted", "card"}, {"link", "card"}, {"text", "code-bg"},
		{"ok", "ok-bg"}, {"bad", "bad-bg"}, {"info", "info-bg"}, {"text", "bad-bg"}, {"muted", "bad-bg"},
		{"ok", "card"}, {"bad", "card"}, {"info", "card"},
	}
	for name, vars := range themes {
		for _, p := range pairs {
			fg, bg := vars[p[0]], vars[p[1]]
			if fg == "" || bg == "" {
				t.Errorf("%s theme: --%s or --%s missing", name, p[0], p[1])
				continue
			}
			if r := contrast(fg, bg); r < 4.5 {
				t.Errorf("%s theme: --%s %s on --%s %s has contrast %.2f:1, want 4.5:1 or more", name, p[0], fg, p[1], bg, r)
			}
		}
	}
}

var cssVar = regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b`)

func cssVars(css string) map[string]string {
	vars := map[string]string{}
	for _, m := range cssVar.FindAllStringSubmatch(css, -1) {
		c := m[2]
		if len(c) == 4 { // #rgb
			c = "#" + strings.Repeat(c[1:2], 2) + strings.Repeat(c[2:3], 2) + strings.Repeat(c[3:4], 2)
		}
		if _, seen := vars[m[1]]; !seen {
			vars[m[1]] = c
		}
	}
	return vars
}

// contrast is the WCAG 2 contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var rgb [3]float64
	for i := range rgb {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			rgb[i] = c / 12.92
		} else {
			rgb[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
}
