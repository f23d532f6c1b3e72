package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/mtls"
)

// snippetTools are the command-line tools a snippet can be shown for, as
// mtls.Snippets names them.
var snippetTools = []string{"curl", "curl (PKCS#12)", "openssl", "python"}

// snippetPanel shows a command that connects to the test server as the
// chosen certificate, for the tool the user picks.
type snippetPanel struct {
	content  fyne.CanvasObject
	tool     *widget.Select
	command  *widget.Entry
	snippets []mtls.Snippet
}

func newSnippetPanel(m *mainView) *snippetPanel {
	p := &snippetPanel{command: widget.NewMultiLineEntry()}
	p.command.Wrapping = fyne.TextWrapWord
	p.command.SetMinRowsVisible(5)
	p.tool = widget.NewSelect(snippetTools, p.show)
	copyCommand := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() { m.copyText(p.command.Text, "Command") })
	p.content = container.NewVBox(
		widget.NewLabelWithStyle("Or from a terminal", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, nil, copyCommand, p.tool), p.command,
	)
	return p
}

// set shows new snippets, keeping the chosen tool (curl at first).
func (p *snippetPanel) set(snippets []mtls.Snippet) {
	p.snippets = snippets
	tool := p.tool.Selected
	if tool == "" {
		tool = snippetTools[0]
	}
	p.tool.SetSelected(tool)
	p.show(tool)
}

// message shows a sentence instead of a command.
func (p *snippetPanel) message(text string) { p.command.SetText(text) }

func (p *snippetPanel) show(tool string) {
	for _, sn := range p.snippets {
		if sn.Tool == tool {
			p.command.SetText(sn.Command)
			return
		}
	}
}
