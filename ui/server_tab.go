package ui

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/mtls"
	"certdesk/core/vault"
	"certdesk/core/verdict"
)

const stoppedText = "The server is stopped.\nStart it, then connect below or from a browser."

// maxShownEvents bounds the live table; older events fall off.
const maxShownEvents = 10000

// eventFlushInterval batches events into the table, so thousands a second
// cost a few refreshes.
const eventFlushInterval = 100 * time.Millisecond

// serverTab starts and stops the test server, connects to it as a chosen
// certificate, and shows every connection live.
type serverTab struct {
	m       *mainView
	content fyne.CanvasObject

	caSelect   *widget.Select
	modeSelect *widget.Select
	modeHelp   *widget.Label
	addr       *widget.Entry
	startStop  *widget.Button
	browser    *widget.Button
	state      *widget.Label

	tryAsLabel *widget.Label
	tryChoice  *widget.Select
	tryRecords []vault.Record
	tryAs      vault.Record
	tryAsBtn   *widget.Button
	tryNone    *widget.Button
	tryFake    *widget.Button
	tryResult  *widget.Label
	snippetBox *widget.Select
	snippet    *widget.Entry
	snippets   []mtls.Snippet
	filesDir   string

	events  []mtls.Event // newest first
	table   *widget.Table
	details *widget.Label

	server  *mtls.Server
	ca      vault.CA
	cancel  context.CancelFunc
	mu      sync.Mutex
	pending []mtls.Event
	dropped uint64
}

var modeLabels = map[mtls.Mode]string{
	mtls.Explain:  "explain — always answer, and say why",
	mtls.Strict:   "strict — refuse in the handshake (nginx \"on\")",
	mtls.Optional: "optional — no certificate is fine, a bad one is refused",
}

func newServerTab(m *mainView) *serverTab {
	s := &serverTab{m: m}
	s.caSelect = widget.NewSelect(nil, nil)
	s.caSelect.PlaceHolder = "choose the CA to trust"
	var modes []string
	for _, md := range mtls.Modes {
		modes = append(modes, modeLabels[md])
	}
	s.modeHelp = widget.NewLabel("")
	s.modeHelp.Wrapping = fyne.TextWrapWord
	s.modeHelp.TextStyle = fyne.TextStyle{Italic: true}
	s.modeSelect = widget.NewSelect(modes, func(label string) {
		md := modeOf(label)
		s.modeHelp.SetText(md.Description())
		if s.server != nil {
			s.server.SetMode(md)
		}
	})
	s.modeSelect.SetSelected(modeLabels[mtls.Explain])
	s.addr = widget.NewEntry()
	s.addr.SetText(m.app.opts.ServerAddr)
	s.startStop = widget.NewButtonWithIcon("Start server", theme.MediaPlayIcon(), s.toggle)
	s.startStop.Importance = widget.HighImportance
	s.browser = widget.NewButtonWithIcon("Open in browser", theme.ComputerIcon(), func() {
		if s.server != nil {
			if u, err := url.Parse(s.server.URL()); err == nil {
				m.app.fyne.OpenURL(u)
			}
		}
	})
	s.browser.Disable()
	s.state = widget.NewLabel(stoppedText)
	s.state.Truncation = fyne.TextTruncateEllipsis

	controls := widget.NewForm(
		widget.NewFormItem("Trust CA", s.caSelect),
		widget.NewFormItem("Mode", s.modeSelect),
		widget.NewFormItem("", s.modeHelp),
		widget.NewFormItem("Address", s.addr),
	)
	top := container.NewVBox(controls, container.NewGridWithColumns(2, s.startStop, s.browser), s.state)

	// The try-it panel.
	s.tryAsLabel = widget.NewLabel("In mutual TLS the server shows its certificate, and asks the client for one too. " +
		"Connect as different people and watch the server's verdict appear on the right, with the reason.")
	s.tryAsLabel.Wrapping = fyne.TextWrapWord
	s.tryChoice = widget.NewSelect(nil, func(label string) {
		for _, r := range s.tryRecords {
			if tryLabel(r, s.m.app.vault.Now()) == label {
				s.setTryAs(r)
			}
		}
	})
	s.tryChoice.PlaceHolder = "choose a certificate to connect as"
	s.tryAsBtn = widget.NewButtonWithIcon("Connect as this certificate", theme.LoginIcon(), func() { s.try("as") })
	s.tryNone = widget.NewButtonWithIcon("Connect with no certificate", theme.QuestionIcon(), func() { s.try("none") })
	s.tryFake = widget.NewButtonWithIcon("Connect with a look-alike CA", theme.WarningIcon(), func() { s.try("lookalike") })
	s.tryResult = widget.NewLabel("")
	s.tryResult.Wrapping = fyne.TextWrapWord
	s.snippet = widget.NewMultiLineEntry()
	s.snippet.Wrapping = fyne.TextWrapBreak
	s.snippet.SetMinRowsVisible(5)
	s.snippetBox = widget.NewSelect([]string{"curl", "curl (PKCS#12)", "openssl", "python"}, func(tool string) { s.showSnippet(tool) })
	copySnippet := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() { m.copyText(s.snippet.Text, "Command") })
	tryPanel := container.NewVBox(
		widget.NewLabelWithStyle("Try it", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.tryAsLabel, s.tryChoice, s.tryAsBtn, s.tryNone, s.tryFake, s.tryResult, widget.NewSeparator(),
		widget.NewLabelWithStyle("Or from a terminal", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, nil, copySnippet, s.snippetBox), s.snippet,
	)
	s.setTryButtons()

	// The live events.
	s.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(s.events), len(eventColumns) },
		func() fyne.CanvasObject {
			t := canvas.NewText("template", theme.Color(theme.ColorNameForeground))
			return container.NewPadded(t)
		},
		s.updateEventCell,
	)
	s.table.ShowHeaderColumn = false
	s.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	s.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(eventColumns) {
			o.(*widget.Label).SetText(eventColumns[id.Col].title)
		}
	}
	for i, c := range eventColumns {
		s.table.SetColumnWidth(i, c.width)
	}
	s.details = widget.NewLabel("Every connection appears here as it happens, newest first. Select one for all its details.")
	s.details.Wrapping = fyne.TextWrapWord
	s.details.Selectable = true
	s.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(s.events) {
			s.details.SetText(eventDetails(s.events[id.Row]))
		}
	}
	eventsHeader := widget.NewLabelWithStyle("Connections", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	detailsScroll := container.NewVScroll(s.details)
	detailsScroll.SetMinSize(fyne.NewSize(0, 130))
	eventsPanel := container.NewBorder(eventsHeader, detailsScroll, nil, nil, s.table)

	left := container.NewVScroll(container.NewVBox(top, widget.NewSeparator(), tryPanel))
	split := container.NewHSplit(left, eventsPanel)
	split.Offset = 0.36
	s.content = split
	return s
}

type eventColumn struct {
	title string
	width float32
}

var eventColumns = []eventColumn{{"Time", 76}, {"Verdict", 128}, {"HTTP", 64}, {"Name", 150}, {"From", 130}, {"Why", 640}}

func (s *serverTab) updateEventCell(id widget.TableCellID, o fyne.CanvasObject) {
	t := o.(*fyne.Container).Objects[0].(*canvas.Text)
	if id.Row < 0 || id.Row >= len(s.events) {
		t.Text = ""
		t.Refresh()
		return
	}
	e := s.events[id.Row]
	t.Color = theme.Color(theme.ColorNameForeground)
	t.TextStyle = fyne.TextStyle{}
	switch id.Col {
	case 0:
		t.Text = e.Time.Local().Format("15:04:05")
	case 1:
		t.Text = string(e.Verdict)
		t.Color = verdictColour(e.Verdict)
		t.TextStyle = fyne.TextStyle{Bold: true}
	case 2:
		t.Text = "refused"
		if e.HTTPStatus != 0 {
			t.Text = fmt.Sprint(e.HTTPStatus)
		}
	case 3:
		t.Text = "—"
		if e.Info != nil {
			t.Text = e.CommonName
		}
	case 4:
		t.Text = e.Remote
	case 5:
		t.Text = e.Explanation
	}
	t.Refresh()
}

func eventDetails(e mtls.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s  from %s\n", strings.ToUpper(string(e.Verdict)), e.Time.Local().Format("2006-01-02 15:04:05"), e.Remote)
	for _, d := range e.Details {
		fmt.Fprintf(&b, "• %s\n", d)
	}
	if len(e.Details) == 0 {
		fmt.Fprintf(&b, "• %s\n", e.Explanation)
	}
	fmt.Fprintf(&b, "nginx would say %s · reasons %v · HTTP %d · mode %s", e.NginxVerify, e.Reasons, e.HTTPStatus, e.Mode)
	if e.TLSVersion != "" {
		fmt.Fprintf(&b, " · %s %s · SNI %q", e.TLSVersion, e.Cipher, e.SNI)
	}
	b.WriteString("\n")
	if e.Info != nil {
		fmt.Fprintf(&b, "Subject %s · Issuer %s · Serial %s · valid until %s\nSHA-256 %s\n", e.Subject, e.Issuer, e.Serial, e.NotAfter.Format("2006-01-02"), e.FingerprintSHA256)
	}
	if e.Error != "" {
		fmt.Fprintf(&b, "Error: %s\n", e.Error)
	}
	return b.String()
}

func modeOf(label string) mtls.Mode {
	for md, l := range modeLabels {
		if l == label {
			return md
		}
	}
	return mtls.Explain
}

// refreshCAs fills the CA choice from the vault.
func (s *serverTab) refreshCAs() {
	var names []string
	for _, ca := range s.m.cas {
		names = append(names, ca.Name)
	}
	s.caSelect.Options = names
	if s.caSelect.Selected == "" {
		if ca, ok := s.m.currentCA(); ok {
			s.caSelect.SetSelected(ca.Name)
		} else if len(names) > 0 {
			s.caSelect.SetSelected(names[0])
		}
	}
	s.caSelect.Refresh()
	s.refreshTryChoices()
}

func (s *serverTab) toggle() {
	if s.server != nil {
		s.stop()
		return
	}
	for _, ca := range s.m.cas {
		if ca.Name == s.caSelect.Selected {
			s.startFor(ca)
			return
		}
	}
	s.m.app.showError("The server was not started", fmt.Errorf("choose the CA whose certificates it should trust"))
}

// startFor starts the server trusting ca, with its certificate from the vault.
func (s *serverTab) startFor(ca vault.CA) {
	s.stop()
	s.caSelect.SetSelected(ca.Name)
	v, ctx := s.m.app.vault, s.m.app.ctx
	rec, err := v.TestServerCertificate(ctx, ca)
	if err != nil {
		s.m.app.showError("The server was not started", err)
		return
	}
	cert, err := v.TLSCertificate(ctx, rec.ID)
	if err != nil {
		s.m.app.showError("The server was not started", err)
		return
	}
	source := vault.NewTrustSource(v, ca)
	trust, err := source.Trust(ctx)
	if err != nil {
		s.m.app.showError("The server was not started", err)
		return
	}
	server, err := mtls.Start(mtls.Config{Addr: strings.TrimSpace(s.addr.Text), Mode: modeOf(s.modeSelect.Selected), Certificate: *cert, Trust: trust})
	if err != nil {
		s.m.app.showError("The server was not started", err)
		return
	}
	s.server, s.ca = server, ca
	runCtx, cancel := context.WithCancel(ctx)
	s.cancel = cancel
	sub, _ := server.Events().Subscribe(maxShownEvents)
	go mtls.KeepTrustFresh(runCtx, server, source, 250*time.Millisecond, nil)
	go s.pump(runCtx, sub)
	s.startStop.SetText("Stop server")
	s.startStop.SetIcon(theme.MediaStopIcon())
	s.startStop.Importance = widget.DangerImportance
	s.startStop.Refresh()
	s.browser.Enable()
	s.state.SetText(fmt.Sprintf("Serving %s, trusting %q.\nNo connection yet: try one below.", server.URL(), ca.Name))
	s.setTryButtons()
	s.prepareSnippets()
}

// pump collects events off the UI goroutine and flushes them in batches.
func (s *serverTab) pump(ctx context.Context, sub *mtls.Subscription) {
	ticker := time.NewTicker(eventFlushInterval)
	defer ticker.Stop()
	defer sub.Close()
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-sub.C:
			if !ok {
				return
			}
			s.mu.Lock()
			s.pending = append(s.pending, e)
			s.dropped = sub.Dropped()
			s.mu.Unlock()
		case <-ticker.C:
			s.mu.Lock()
			n := len(s.pending)
			s.mu.Unlock()
			if n > 0 {
				s.m.app.run.Do(s.flush)
			}
		}
	}
}

// flush moves pending events into the table with one refresh. UI goroutine only.
func (s *serverTab) flush() {
	s.mu.Lock()
	batch := s.pending
	s.pending = nil
	dropped := s.dropped
	s.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	fresh := make([]mtls.Event, 0, len(batch)+len(s.events))
	for i := len(batch) - 1; i >= 0; i-- {
		fresh = append(fresh, batch[i])
	}
	fresh = append(fresh, s.events...)
	if len(fresh) > maxShownEvents {
		fresh = fresh[:maxShownEvents]
	}
	s.events = fresh
	s.table.Refresh()
	if s.server != nil {
		msg := fmt.Sprintf("Serving %s, trusting %q.\n%d connection(s) so far.", s.server.URL(), s.ca.Name, s.server.Events().Published())
		if dropped > 0 {
			msg += fmt.Sprintf(" %d not shown (too fast to draw).", dropped)
		}
		s.state.SetText(msg)
	}
}

// stop stops the server; the events stay on screen.
func (s *serverTab) stop() {
	if s.server == nil {
		return
	}
	s.cancel()
	s.server.Close()
	s.server = nil
	if s.filesDir != "" {
		os.RemoveAll(s.filesDir)
		s.filesDir = ""
	}
	s.startStop.SetText("Start server")
	s.startStop.SetIcon(theme.MediaPlayIcon())
	s.startStop.Importance = widget.HighImportance
	s.startStop.Refresh()
	s.browser.Disable()
	s.state.SetText(stoppedText)
	s.setTryButtons()
}

// setTryAs chooses the certificate the try-it buttons connect as.
func (s *serverTab) setTryAs(r vault.Record) {
	if r.Kind == vault.KindCA || !r.HasKey || r.ID == s.tryAs.ID {
		return
	}
	s.tryAs = r
	s.tryChoice.SetSelected(tryLabel(r, s.m.app.vault.Now()))
	s.tryAsBtn.SetText("Connect as " + r.CommonName)
	s.setTryButtons()
	s.prepareSnippets()
}

func tryLabel(r vault.Record, now time.Time) string {
	return fmt.Sprintf("%s — %s, %s", r.CommonName, r.CAName, statusLabel(r.Status(now)))
}

// refreshTryChoices lists the certificates one can connect as (those whose
// key the vault holds), the first few hundred.
func (s *serverTab) refreshTryChoices() {
	recs, err := s.m.app.vault.List(s.m.app.ctx, vault.Filter{Sort: vault.SortCommonName, Limit: 300})
	if err != nil {
		return
	}
	now := s.m.app.vault.Now()
	s.tryRecords = s.tryRecords[:0]
	var labels []string
	for _, r := range recs {
		if r.HasKey && r.Kind != vault.KindCA && r.CommonName != vault.TestServerName {
			s.tryRecords = append(s.tryRecords, r)
			labels = append(labels, tryLabel(r, now))
		}
	}
	s.tryChoice.Options = labels
	if s.tryAs.ID != 0 {
		s.tryChoice.Selected = tryLabel(s.tryAs, now)
	}
	s.tryChoice.Refresh()
}

func (s *serverTab) setTryButtons() {
	for _, b := range []*widget.Button{s.tryAsBtn, s.tryNone, s.tryFake} {
		if s.server == nil {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if s.tryAs.ID == 0 {
		s.tryAsBtn.Disable()
	}
}

// try connects to the running server off the UI goroutine.
func (s *serverTab) try(how string) {
	if s.server == nil {
		return
	}
	v, ctx := s.m.app.vault, s.m.app.ctx
	addr := s.server.Addr().String()
	pool := x509.NewCertPool()
	if caCert, err := v.Certificate(ctx, s.ca.CertID); err == nil {
		pool.AddCert(caCert)
	}
	opts := mtls.TryOptions{ServerCAs: pool}
	label := "no certificate"
	var err error
	switch how {
	case "as":
		opts.Certificate, err = v.TLSCertificate(ctx, s.tryAs.ID)
		label = s.tryAs.CommonName
	case "lookalike":
		var caCert *x509.Certificate
		if caCert, err = v.Certificate(ctx, s.ca.CertID); err == nil {
			opts.Certificate, err = mtls.LookalikeCertificate(caCert, v.Now())
		}
		label = "a look-alike of " + s.ca.Name
	}
	if err != nil {
		s.m.app.showError("Could not connect", err)
		return
	}
	s.tryResult.SetText("Connecting as " + label + "…")
	s.m.app.run.Run(func() func() {
		res, err := mtls.Try(ctx, addr, opts)
		return func() {
			if err != nil {
				s.tryResult.SetText("Could not connect: " + err.Error())
				s.tryResult.Importance = widget.DangerImportance
				s.tryResult.Refresh()
				return
			}
			s.tryResult.SetText("Refused — as " + label + ": " + res.Summary())
			s.tryResult.Importance = widget.DangerImportance
			if res.WhoAmI != nil && res.WhoAmI.Verdict == verdict.OK {
				s.tryResult.SetText("Accepted — as " + label + ": " + res.Summary())
				s.tryResult.Importance = widget.MediumImportance
			}
			s.tryResult.Refresh()
		}
	})
}

// prepareSnippets writes the chosen certificate's files into a private
// temporary folder and shows commands that use them.
func (s *serverTab) prepareSnippets() {
	if s.server == nil || s.tryAs.ID == 0 {
		s.snippet.SetText("Start the server and choose a certificate to see commands.")
		return
	}
	v, ctx := s.m.app.vault, s.m.app.ctx
	if s.filesDir == "" {
		dir, err := os.MkdirTemp("", "certdesk-try-")
		if err != nil {
			s.snippet.SetText("Could not prepare files: " + err.Error())
			return
		}
		s.filesDir = dir
	}
	cert, err1 := v.Certificate(ctx, s.tryAs.ID)
	chain, err2 := v.Chain(ctx, s.tryAs.ID)
	key, err3 := v.PrivateKey(ctx, s.tryAs.ID)
	caCert, err4 := v.Certificate(ctx, s.ca.CertID)
	for _, err := range []error{err1, err2, err3, err4} {
		if err != nil {
			s.snippet.SetText("Could not prepare files: " + err.Error())
			return
		}
	}
	files, err := mtls.PrepareClientFiles(s.filesDir, cert, chain, key, caCert)
	if err != nil {
		s.snippet.SetText("Could not prepare files: " + err.Error())
		return
	}
	s.snippets = mtls.Snippets(s.server.URL(), files)
	tool := s.snippetBox.Selected
	if tool == "" {
		tool = "curl"
	}
	s.snippetBox.SetSelected(tool)
	s.showSnippet(tool)
}

func (s *serverTab) showSnippet(tool string) {
	for _, sn := range s.snippets {
		if sn.Tool == tool {
			s.snippet.SetText(sn.Command)
			return
		}
	}
}
