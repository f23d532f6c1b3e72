package ui

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/verdict"
)

// maxDepth bounds the verify depth one can set (OpenSSL's own default).
const maxDepth = 100

// serverTrust is what the test server trusts besides its CA: more CAs,
// chosen by name, and a verify depth (nginx's ssl_verify_depth).
type serverTrust struct {
	l      *serverLifecycle
	also   []string // names of the CAs also trusted
	depth  int      // 0: the judge's default
	button *widget.Button
}

func newServerTrust(l *serverLifecycle) *serverTrust {
	t := &serverTrust{l: l}
	t.button = widget.NewButtonWithIcon("Also trust…", theme.ContentAddIcon(), t.edit)
	return t
}

// cas are the CAs also trusted, from the main view's CAs, leaving out the
// server's own CA.
func (t *serverTrust) cas(own engine.CA) []engine.CA {
	var out []engine.CA
	for _, ca := range t.l.s.m.cas {
		for _, n := range t.also {
			if ca.Name == n && ca.ID != own.ID {
				out = append(out, ca)
			}
		}
	}
	return out
}

// describeTrust says what the running server trusts, in a line.
func describeTrust(live *liveServer) string {
	text := fmt.Sprintf("%q", live.ca.Name)
	switch len(live.also) {
	case 0:
	case 1:
		text += fmt.Sprintf(" and %q", live.also[0].Name)
	default:
		text += fmt.Sprintf(" and %d more CAs", len(live.also)) // named on the Also trust… dialog
	}
	if live.depth > 0 {
		text += fmt.Sprintf(" (verify depth %d)", live.depth)
	}
	return text
}

// edit asks which CAs to trust besides the server's CA, and the depth;
// a running server starts again with them.
func (t *serverTrust) edit() {
	own := t.l.caSelect.Selected
	var names []string
	for _, ca := range t.l.s.m.cas {
		if ca.Name != own {
			names = append(names, ca.Name)
		}
	}
	group := widget.NewCheckGroup(names, nil)
	group.SetSelected(t.also)
	depth := widget.NewEntry()
	depth.SetPlaceHolder(fmt.Sprintf("empty: the default, %d (what the deploy kits write)", verdict.DefaultDepth))
	if t.depth > 0 {
		depth.SetText(strconv.Itoa(t.depth))
	}
	f := newFieldForm("What the test server trusts", "Apply", func(f *fieldForm) {
		t.also, t.depth = group.Selected, atoi(depth.Text)
		f.close()
		t.showChoice()
		if live := t.l.live; live != nil {
			t.l.startFor(live.ca)
		}
	}, t.l.s.m.app.win)
	f.add("", wrapped(fmt.Sprintf("The server always trusts %q, whose certificate it shows. Tick more CAs to let their people in too (trust-only CAs among them).", own)), nil, nil)
	if len(names) == 0 {
		f.add("Also trust", faint("No other CA in this vault."), nil, nil)
	} else {
		scroll := container.NewVScroll(group)
		scroll.SetMinSize(fyne.NewSize(0, float32(min(len(names), 6))*36)) // a long list scrolls
		f.add("Also trust", scroll, nil, nil)
	}
	f.add("Verify depth", depth, depth, checkDepth)
	f.add("", faint("How many issuing CAs may stand between a person's certificate and the root, as nginx's ssl_verify_depth: 1 lets in people of a CA right under the root, not deeper."), nil, nil)
	f.show(520)
}

// showChoice shows on the button how many CAs are trusted besides.
func (t *serverTrust) showChoice() {
	text := "Also trust…"
	if n := len(t.also); n > 0 {
		text = fmt.Sprintf("+%d CA(s)…", n)
	}
	t.button.SetText(text)
}

// checkDepth checks a verify depth: empty, or a whole number 1 to maxDepth.
func checkDepth(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if n, err := strconv.Atoi(s); err != nil || n < 1 || n > maxDepth {
		return fmt.Errorf("a whole number from 1 to %d, or empty for the default", maxDepth)
	}
	return nil
}
