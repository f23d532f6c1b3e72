package ui

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/mtls"
)

const stoppedText = "The server is stopped.\nStart it, then connect below or from a browser."

var modeLabels = map[mtls.Mode]string{
	mtls.Explain:  "explain — always answer, and say why",
	mtls.Strict:   "strict — refuse in the handshake (nginx \"on\")",
	mtls.Optional: "optional — no certificate is fine, a bad one is refused",
}

// serverLifecycle is the top of the server tab: which CA to trust, the
// mode, the address, and the button that starts and stops the server.
type serverLifecycle struct {
	s         *serverTab
	content   fyne.CanvasObject
	caSelect  *widget.Select
	mode      *widget.Select
	modeHelp  *widget.Label
	addr      *widget.Entry
	addrError *widget.Label // why the server could not listen there
	startStop *widget.Button
	browser   *widget.Button
	state     *widget.Label
	trust     *serverTrust // the CAs trusted besides, and the depth

	live     *liveServer // nil when stopped
	starting bool
	cancel   context.CancelFunc // ends the goroutines of a live server
}

func newServerLifecycle(s *serverTab) *serverLifecycle {
	l := &serverLifecycle{s: s, caSelect: widget.NewSelect(nil, nil), addr: widget.NewEntry()}
	l.caSelect.PlaceHolder = "choose the CA to trust"
	l.modeHelp = widget.NewLabel("")
	l.modeHelp.Wrapping = fyne.TextWrapWord
	l.modeHelp.TextStyle = fyne.TextStyle{Italic: true}
	var modes []string
	for _, md := range mtls.Modes {
		modes = append(modes, modeLabels[md])
	}
	l.mode = widget.NewSelect(modes, func(label string) { l.setMode(modeOf(label)) })
	l.mode.SetSelected(modeLabels[mtls.Explain])
	l.addr.SetText(s.m.app.opts.ServerAddr)
	l.addrError = wrapped("")
	l.addrError.Importance = widget.DangerImportance
	l.addrError.Hide()
	l.addr.OnChanged = func(string) { l.addrError.Hide() }
	l.startStop = widget.NewButtonWithIcon("Start server", theme.MediaPlayIcon(), l.toggle)
	l.startStop.Importance = widget.HighImportance
	l.browser = widget.NewButtonWithIcon("Open in browser", theme.ComputerIcon(), l.openBrowser)
	l.browser.Disable()
	l.trust = newServerTrust(l)
	l.state = widget.NewLabel(l.stoppedText())
	l.state.Truncation = fyne.TextTruncateEllipsis
	if !s.m.may(engine.ActTestServer) {
		l.state.Truncation, l.state.Wrapping = fyne.TextTruncateOff, fyne.TextWrapWord // the why, whole
		l.startStop.Hide()
	}
	controls := widget.NewForm(
		widget.NewFormItem("Trust CA", container.NewBorder(nil, nil, nil, l.trust.button, l.caSelect)),
		widget.NewFormItem("Mode", l.mode),
		widget.NewFormItem("", l.modeHelp),
		widget.NewFormItem("Address", container.NewVBox(l.addr, l.addrError)),
	)
	l.content = container.NewVBox(controls, container.NewGridWithColumns(2, l.startStop, l.browser), l.state)
	return l
}

// stoppedText is what the state line says while the server is stopped:
// how to start it, or why the admin's role may not.
func (l *serverLifecycle) stoppedText() string {
	if why := l.s.m.app.me.why(engine.ActTestServer); why != "" {
		return "The server is stopped. " + why
	}
	return stoppedText
}

func modeOf(label string) mtls.Mode {
	for md, l := range modeLabels {
		if l == label {
			return md
		}
	}
	return mtls.Explain
}

func (l *serverLifecycle) setMode(md mtls.Mode) {
	l.modeHelp.SetText(md.Description())
	if l.live != nil {
		l.live.server.SetMode(md) // an atomic store
	}
}

func (l *serverLifecycle) openBrowser() {
	if l.live == nil {
		return
	}
	if u, err := url.Parse(l.live.server.URL()); err == nil {
		l.s.m.app.fyneApp.OpenURL(u)
	}
}

// refreshCAs fills the CA choice from the main view's CAs.
func (l *serverLifecycle) refreshCAs() {
	var names []string
	for _, ca := range l.s.m.cas {
		names = append(names, ca.Name)
	}
	l.caSelect.Options = names
	if l.caSelect.Selected == "" {
		if ca, ok := l.s.m.currentCA(); ok {
			l.caSelect.SetSelected(ca.Name)
		} else if len(names) > 0 {
			l.caSelect.SetSelected(names[0])
		}
	}
	l.caSelect.Refresh()
}

func (l *serverLifecycle) toggle() {
	if l.live != nil {
		l.stop()
		return
	}
	for _, ca := range l.s.m.cas {
		if ca.Name == l.caSelect.Selected {
			l.startFor(ca)
			return
		}
	}
	l.s.m.app.showError("The server was not started", errors.New("choose the CA whose certificates it should trust"))
}

// startFor starts the server trusting ca, in the background: issuing its
// certificate, decrypting its key and listening take a moment.
func (l *serverLifecycle) startFor(ca engine.CA) {
	if l.starting {
		return
	}
	l.stop()
	l.caSelect.SetSelected(ca.Name)
	l.starting = true
	l.startStop.Disable()
	l.state.SetText(fmt.Sprintf("Starting, trusting %q…", ca.Name))
	j := l.s.m.app.jobs()
	opts := engine.ServerOptions{CA: ca, AlsoTrust: l.trust.cas(ca), Depth: l.trust.depth, Addr: strings.TrimSpace(l.addr.Text), Mode: modeOf(l.mode.Selected)}
	l.s.m.app.run.Run(func() func() {
		live, err := j.startServer(opts)
		return func() { l.started(live, err) }
	})
}

// started shows the server running, or why it is not.
func (l *serverLifecycle) started(live *liveServer, err error) {
	l.starting = false
	l.startStop.Enable()
	if err == nil && l.s.m.app.main != l.s.m {
		// Another vault was opened while this server started.
		l.s.m.app.run.Run(func() func() { stopServer(live); return nil })
		return
	}
	if err != nil {
		l.state.SetText(l.stoppedText())
		l.s.try.pending = false // the try that waited for it is off
		l.notStarted(err)
		return
	}
	l.live = live
	ctx, cancel := context.WithCancel(l.s.m.app.ctx)
	l.cancel = cancel
	sub, _ := live.server.Events().Subscribe(maxShownEvents)
	go l.s.events.batch.pump(ctx, sub, l.s.m.app.run, l.s.events.flush)
	l.showRunning(true)
	l.state.SetText(fmt.Sprintf("Serving %s, trusting %s.\nNo connection yet: try one below.", live.server.URL(), describeTrust(live)))
	if w := live.server.Exposure(); w != "" {
		l.s.m.app.showWarning("The test server is reachable from other machines",
			fmt.Sprintf("Warning: %s Set the Address to 127.0.0.1:%d to keep it on this machine.", w, live.server.Addr().(*net.TCPAddr).Port))
	}
	l.s.try.serverChanged()
}

// stop stops the server in the background; the events stay on screen.
func (l *serverLifecycle) stop() {
	live := l.live
	if live == nil {
		return
	}
	l.cancel()
	l.live = nil
	l.s.m.app.run.Run(func() func() {
		stopServer(live)
		return nil
	})
	l.showRunning(false)
	l.state.SetText(l.stoppedText())
	l.s.try.serverChanged()
}

// stopNow stops the server and waits: for quitting, when no window is left
// to keep responsive.
func (l *serverLifecycle) stopNow() {
	if live := l.live; live != nil {
		l.cancel()
		l.live = nil
		stopServer(live)
	}
}

func (l *serverLifecycle) showRunning(running bool) {
	if running {
		l.startStop.SetText("Stop server")
		l.startStop.SetIcon(theme.MediaStopIcon())
		l.startStop.Importance = widget.DangerImportance
		l.browser.Enable()
	} else {
		l.startStop.SetText("Start server")
		l.startStop.SetIcon(theme.MediaPlayIcon())
		l.startStop.Importance = widget.HighImportance
		l.browser.Disable()
	}
	l.startStop.Refresh()
}

// showCount says how many connections the server saw.
func (l *serverLifecycle) showCount(dropped uint64) {
	if l.live == nil {
		return
	}
	msg := fmt.Sprintf("Serving %s, trusting %s.\n%d connection(s) so far.", l.live.server.URL(), describeTrust(l.live), l.live.server.Events().Published())
	if dropped > 0 {
		msg += fmt.Sprintf(" %d not shown (too fast to draw).", dropped)
	}
	l.state.SetText(msg)
}

// notStarted says why the server did not start: beside the Address field
// when it could not listen there, in the app's words; otherwise in a dialog.
func (l *serverLifecycle) notStarted(err error) {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "listen" {
		l.s.m.app.showError("The server was not started", err)
		return
	}
	why := "it is not an address this computer can listen on"
	if errors.Is(err, syscall.EADDRINUSE) {
		why = "another program is already listening on that port"
	}
	l.addrError.SetText(fmt.Sprintf("The server could not listen on %s: %s. Change the Address (for example to 127.0.0.1:8444) and start again.",
		strings.TrimSpace(l.addr.Text), why))
	l.addrError.Show()
}
