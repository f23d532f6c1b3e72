package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
)

// serverTab is the "Test server" tab: the controls that start and stop the
// server (server_lifecycle.go), the try-it panel (server_try.go) with its
// commands (server_snippets.go), and the live connections
// (server_events.go, batched by server_batch.go). This file lays them out.
type serverTab struct {
	m         *mainView
	content   fyne.CanvasObject
	lifecycle *serverLifecycle
	try       *tryPanel
	events    *eventLog
}

func newServerTab(m *mainView) *serverTab {
	s := &serverTab{m: m}
	s.lifecycle = newServerLifecycle(s)
	s.try = newTryPanel(s)
	s.events = newEventLog(s)
	left := container.NewVScroll(container.NewVBox(s.lifecycle.content, widget.NewSeparator(), s.try.content))
	split := container.NewHSplit(left, s.events.content)
	split.Offset = 0.36
	s.content = split
	return s
}

// live is the running server, or nil.
func (s *serverTab) live() *liveServer { return s.lifecycle.live }

// refreshCAs fills the CA choice and the try-it choices again.
func (s *serverTab) refreshCAs() {
	s.lifecycle.refreshCAs()
	s.try.refreshChoices()
}

// startFor starts the server trusting ca.
func (s *serverTab) startFor(ca engine.CA) { s.lifecycle.startFor(ca) }

// stop stops the server; the events stay on screen.
func (s *serverTab) stop() { s.lifecycle.stop() }

// setTryAs chooses the certificate the try-it buttons connect as.
func (s *serverTab) setTryAs(r engine.Record) { s.try.setAs(r) }

// tryOnServer shows the server tab and connects as r at once, starting
// the server when it is not running.
func (m *mainView) tryOnServer(r engine.Record) {
	m.showTab(tabServer)
	m.server.try.tryNow(r)
}
