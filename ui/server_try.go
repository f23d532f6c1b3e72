package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
)

// tryMode is what the try-it panel presents to the server.
type tryMode int

const (
	tryAsChosen      tryMode = iota // the chosen certificate
	tryNoCertificate                // nothing
	tryLookalike                    // a certificate from a CA with the same name as the trusted one
)

// engineMode is the engine's name for the mode.
func (m tryMode) engineMode() engine.TryMode {
	switch m {
	case tryAsChosen:
		return engine.TryAs
	case tryLookalike:
		return engine.TryLookalike
	}
	return engine.TryWithout
}

// label names who a try connects as, in words.
func (m tryMode) label(req tryRequest) string {
	switch m {
	case tryAsChosen:
		return req.asName
	case tryLookalike:
		return "a look-alike of " + req.ca.Name
	}
	return "no certificate"
}

// tryPanel connects to the running server as a chosen certificate, with
// none, or with a look-alike, and says whether it was let in.
type tryPanel struct {
	s        *serverTab
	content  fyne.CanvasObject
	choice   *widget.Select
	records  []engine.Record
	as       engine.Record
	buttons  map[tryMode]*widget.Button
	result   *widget.Label
	snippets *snippetPanel
	pending  bool // a try waits for the server to start
}

func newTryPanel(s *serverTab) *tryPanel {
	p := &tryPanel{s: s, snippets: newSnippetPanel(s.m)}
	p.choice = widget.NewSelect(nil, p.chose)
	p.choice.PlaceHolder = "choose a certificate to connect as"
	p.buttons = map[tryMode]*widget.Button{
		tryAsChosen:      widget.NewButtonWithIcon("Connect as this certificate", theme.LoginIcon(), func() { p.try(tryAsChosen) }),
		tryNoCertificate: widget.NewButtonWithIcon("Connect with no certificate", theme.QuestionIcon(), func() { p.try(tryNoCertificate) }),
		tryLookalike:     widget.NewButtonWithIcon("Connect with a look-alike CA", theme.WarningIcon(), func() { p.try(tryLookalike) }),
	}
	p.result = widget.NewLabel("")
	p.result.Wrapping = fyne.TextWrapWord
	g := s.m.gates() // connecting as a person uses their private key
	g.need(engine.ActTestServer, p.choice, p.buttons[tryAsChosen], p.buttons[tryNoCertificate], p.buttons[tryLookalike])
	p.content = container.NewVBox(
		widget.NewLabelWithStyle("Try it", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		howMutualTLSWorks(), g.note, p.choice, p.buttons[tryAsChosen], p.buttons[tryNoCertificate], p.buttons[tryLookalike], p.result, widget.NewSeparator(),
		p.snippets.content,
	)
	p.enableButtons()
	return p
}

func tryLabel(r engine.Record, now time.Time) string {
	return fmt.Sprintf("%s — %s, %s", r.CommonName, r.CAName, statusLabel(r.Status(now)))
}

func (p *tryPanel) now() time.Time { return p.s.m.app.jobs().now() }

func (p *tryPanel) chose(label string) {
	now := p.now()
	for _, r := range p.records {
		if tryLabel(r, now) == label {
			p.setAs(r)
		}
	}
}

// setAs chooses the certificate the try-it buttons connect as.
func (p *tryPanel) setAs(r engine.Record) {
	if r.Kind == engine.KindCA || !r.HasKey || r.ID == p.as.ID {
		return
	}
	p.as = r
	p.choice.SetSelected(tryLabel(r, p.now()))
	p.buttons[tryAsChosen].SetText("Connect as " + r.CommonName)
	p.enableButtons()
	p.prepareSnippets()
}

// refreshChoices reads again the certificates one can connect as.
func (p *tryPanel) refreshChoices() {
	j := p.s.m.app.jobs()
	p.s.m.app.run.Run(func() func() {
		recs, err := j.tryChoices()
		return func() {
			if err == nil {
				p.showChoices(recs)
			}
		}
	})
}

func (p *tryPanel) showChoices(recs []engine.Record) {
	now := p.now()
	p.records = recs
	var labels []string
	for _, r := range recs {
		labels = append(labels, tryLabel(r, now))
	}
	p.choice.Options = labels
	if p.as.ID != 0 {
		p.choice.Selected = tryLabel(p.as, now)
	}
	p.choice.Refresh()
}

// serverChanged follows a start or a stop.
func (p *tryPanel) serverChanged() {
	p.enableButtons()
	p.prepareSnippets()
	p.serverStarted()
}

func (p *tryPanel) enableButtons() {
	for mode, b := range p.buttons {
		if p.s.live() == nil || mode == tryAsChosen && p.as.ID == 0 {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// try connects to the running server in the background.
func (p *tryPanel) try(mode tryMode) {
	live := p.s.live()
	if live == nil {
		return
	}
	req := tryRequest{mode: mode, addr: live.server.Addr().String(), ca: live.ca, as: p.as, asName: p.as.CommonName}
	connecting := "Connecting as " + mode.label(req) + "…"
	p.result.Importance = widget.MediumImportance
	p.result.SetText(connecting)
	p.s.events.clearChecklist(connecting)
	j := p.s.m.app.jobs()
	p.s.m.app.run.Run(func() func() {
		out := j.connect(req)
		return func() { p.showOutcome(out) }
	})
}

// tryNow connects as r at once, starting the server first (trusting r's
// CA) when it is not running: "Try on test server" from anywhere.
func (p *tryPanel) tryNow(r engine.Record) {
	p.setAs(r)
	p.result.SetText("")
	if p.s.live() != nil {
		p.try(tryAsChosen)
		return
	}
	for _, ca := range p.s.m.cas {
		if ca.ID == r.CAID {
			p.pending = true
			p.s.startFor(ca)
			return
		}
	}
}

// serverStarted runs a try that waited for the server.
func (p *tryPanel) serverStarted() {
	if p.pending && p.s.live() != nil {
		p.pending = false
		p.try(tryAsChosen)
	}
}

func (p *tryPanel) showOutcome(out tryOutcome) {
	switch {
	case out.err != nil:
		p.result.SetText("Could not connect: " + out.err.Error())
		p.result.Importance = widget.DangerImportance
	case out.accepted:
		p.result.SetText(out.summary)
		p.result.Importance = widget.MediumImportance
	default:
		p.result.SetText(out.summary)
		p.result.Importance = widget.DangerImportance
	}
	p.result.Refresh()
}

// prepareSnippets writes the chosen certificate's files into the server's
// private folder in the background and then shows commands that use them.
func (p *tryPanel) prepareSnippets() {
	live := p.s.live()
	if live == nil || p.as.ID == 0 {
		p.snippets.message("Start the server and choose a certificate to see commands.")
		return
	}
	j, as := p.s.m.app.jobs(), p.as
	p.s.m.app.run.Run(func() func() {
		snips, err := j.tryFiles(live.files.Path, as.ID, live.server.URL())
		return func() {
			if p.s.live() != live || p.as.ID != as.ID {
				return // the server or the choice changed meanwhile
			}
			if err != nil {
				p.snippets.message("Could not prepare files: " + err.Error())
				return
			}
			p.snippets.set(snips)
		}
	})
}
