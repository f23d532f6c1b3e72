package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/mtls"
	"certdesk/core/plain"
)

// checklistView tells one connection as the steps of mutual TLS, the way
// the test server's page does: each step with ✓, ✗, • or –, the failing
// one marked, its detail in plain words and the codes (verdict, nginx's
// string, TLS error) on a fainter line below; for a look-alike, the
// trusted CA and the impostor side by side.
func checklistView(e mtls.Event) fyne.CanvasObject {
	box := container.NewVBox(checklistHeading(e)...)
	if e.Checklist != nil {
		for i, s := range e.Checklist.Steps {
			box.Add(stepRow(s, i == e.Checklist.Failed))
		}
	}
	box.Add(widget.NewSeparator())
	box.Add(faint(technicalLine(e)))
	return box
}

// checklistHeading is the outcome, when and from where, and what the
// mode and the HTTP status mean.
func checklistHeading(e mtls.Event) []fyne.CanvasObject {
	outcome := e.Summary
	if e.Checklist != nil && e.Checklist.Outcome != "" {
		outcome = e.Checklist.Outcome
	}
	title := wrapped(outcome)
	title.TextStyle = fyne.TextStyle{Bold: true}
	title.Importance = outcomeImportance(e.Outcome)
	when := fmt.Sprintf("%s, from %s. HTTP: %s.", plain.DateTime(e.Time), e.Remote, plain.Status(e.HTTPStatus))
	return []fyne.CanvasObject{title, wrapped(when), faint(capitalise(plain.Mode(string(e.Mode))) + ".")}
}

func outcomeImportance(o mtls.Outcome) widget.Importance {
	switch o {
	case mtls.LetIn:
		return widget.SuccessImportance
	case mtls.RefusedOutcome:
		return widget.DangerImportance
	case mtls.FailedOutcome:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// stepRow is one step: its mark, then one compact block of its title,
// what happened and, fainter, the codes; a look-alike's comparison below.
func stepRow(s mtls.Step, failing bool) fyne.CanvasObject {
	mark := widget.NewLabelWithStyle(s.State.Mark(), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	mark.Importance = stepImportance(s.State)
	title := widget.RichTextStyleStrong
	title.Inline = false
	if failing {
		title.ColorName = theme.ColorNameError
	}
	text := s.Title
	if failing {
		text += " — this is the step that failed"
	}
	segments := []widget.RichTextSegment{
		&widget.TextSegment{Text: text, Style: title},
		&widget.TextSegment{Text: s.Detail, Style: widget.RichTextStyleParagraph},
	}
	if s.Technical != "" {
		faintStyle := widget.RichTextStyleParagraph
		faintStyle.ColorName = theme.ColorNameDisabled
		segments = append(segments, &widget.TextSegment{Text: s.Technical, Style: faintStyle})
	}
	block := widget.NewRichText(segments...)
	block.Wrapping = fyne.TextWrapWord
	lines := container.NewVBox(block)
	if s.Compare != nil {
		lines.Add(comparisonView(*s.Compare))
	}
	return container.NewBorder(nil, nil, container.NewVBox(container.NewGridWrap(fyne.NewSize(28, mark.MinSize().Height), mark)), nil, lines)
}

func stepImportance(s mtls.StepState) widget.Importance {
	switch s {
	case mtls.StepPassed:
		return widget.SuccessImportance
	case mtls.StepFailed:
		return widget.DangerImportance
	case mtls.StepNotChecked:
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// comparisonView puts the CA the server trusts beside the look-alike:
// the same name, different keys.
func comparisonView(c mtls.CAComparison) fyne.CanvasObject {
	side := func(k mtls.KeyPrint) fyne.CanvasObject {
		head := wrapped(fmt.Sprintf("%q — %s", c.Name, k.Label))
		head.TextStyle = fyne.TextStyle{Bold: true}
		box := container.NewVBox(head)
		if k.KeyID != "" {
			box.Add(faint("key ID"))
			box.Add(newColonLabel(k.KeyID))
		}
		if k.KeySHA256 != "" {
			box.Add(faint("key SHA-256"))
			box.Add(newColonLabel(k.KeySHA256))
		}
		return box
	}
	return container.NewGridWithColumns(2, side(c.Trusted), side(c.Presented))
}

// technicalLine is everything a person who knows TLS or nginx wants.
func technicalLine(e mtls.Event) string {
	parts := []string{"verdict " + string(e.Verdict)}
	if len(e.Reasons) > 0 {
		codes := make([]string, len(e.Reasons))
		for i, r := range e.Reasons {
			codes[i] = string(r)
		}
		parts = append(parts, "reasons "+strings.Join(codes, ", "))
	}
	if e.NginxVerify != "" {
		parts = append(parts, "nginx $ssl_client_verify = "+e.NginxVerify)
	}
	if e.TLSVersion != "" {
		parts = append(parts, fmt.Sprintf("%s, %s, SNI %q", e.TLSVersion, e.Cipher, e.SNI))
	}
	if e.Info != nil {
		parts = append(parts, "serial "+e.Serial)
	}
	if e.Error != "" {
		parts = append(parts, "error: "+e.Error)
	}
	return "Technical: " + strings.Join(parts, " · ")
}

// wrapped is a label that wraps at word boundaries.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// faint is a wrapped label in the theme's secondary text colour.
func faint(text string) *widget.Label {
	l := wrapped(text)
	l.Importance = widget.LowImportance
	return l
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
