package ui

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/pki"
)

// settleTimeout bounds how long a test waits for background work (a demo
// or an RSA key under -race on a busy machine takes seconds).
const settleTimeout = 60 * time.Second

// fakePicker answers file dialogs with paths the test chose.
type fakePicker struct {
	open, save, folder string
	asked              []string
}

func (p *fakePicker) Open(title string, done func(string)) {
	p.asked = append(p.asked, title)
	done(p.open)
}

func (p *fakePicker) Save(title, suggested string, done func(string)) {
	p.asked = append(p.asked, title+" ["+suggested+"]")
	done(p.save)
}

func (p *fakePicker) Folder(title string, done func(string)) {
	p.asked = append(p.asked, title)
	done(p.folder)
}

type harness struct {
	t      *testing.T
	app    *App
	win    fyne.Window
	runner *testRunner
	picker *fakePicker
	dir    string
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	h := &harness{t: t, win: w, runner: newTestRunner(), picker: &fakePicker{}, dir: t.TempDir()}
	h.runner.look = func() { h.text() }
	if opts.VaultPath == "" {
		opts.VaultPath = filepath.Join(h.dir, "vault.db")
	}
	if opts.ServerAddr == "" {
		opts.ServerAddr = "127.0.0.1:0"
	}
	opts.Runner, opts.Picker = h.runner, h.picker
	h.app = New(a, w, opts)
	t.Cleanup(func() {
		h.runner.Settle(t, settleTimeout)
		h.app.Close()
	})
	return h
}

// settle waits until all background work is done and applied.
func (h *harness) settle() {
	h.t.Helper()
	h.runner.Settle(h.t, settleTimeout)
}

// objects lists everything visible in the window.
func (h *harness) objects() []fyne.CanvasObject { return windowObjects(h.win) }

// text is every piece of visible text on screen, one per line.
func (h *harness) text() string { return windowText(h.win) }

// windowObjects lists everything visible: the content and every overlay
// (dialogs, menus), skipping hidden subtrees.
func windowObjects(w fyne.Window) []fyne.CanvasObject {
	c := w.Canvas()
	var out []fyne.CanvasObject
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		out = append(out, o)
		switch x := o.(type) {
		case *fyne.Container:
			for _, child := range x.Objects {
				walk(child)
			}
		case fyne.Widget:
			for _, child := range test.WidgetRenderer(x).Objects() {
				walk(child)
			}
		}
	}
	walk(c.Content())
	for _, o := range c.Overlays().List() {
		walk(o)
	}
	return out
}

// windowText is every piece of visible text in a window, one per line.
func windowText(w fyne.Window) string {
	var b strings.Builder
	for _, o := range windowObjects(w) {
		if t, ok := o.(*canvas.Text); ok && o.Visible() && t.Text != "" {
			b.WriteString(t.Text)
			b.WriteString("\n")
		}
	}
	return b.String()
}

func (h *harness) sees(want ...string) {
	h.t.Helper()
	h.settle()
	got := h.text()
	for _, w := range want {
		if !strings.Contains(got, w) {
			h.t.Fatalf("the screen does not show %q; it shows:\n%s", w, got)
		}
	}
}

func (h *harness) doesNotSee(unwanted string) {
	h.t.Helper()
	h.settle()
	if strings.Contains(h.text(), unwanted) {
		h.t.Fatalf("the screen shows %q", unwanted)
	}
}

// tap taps the visible, enabled button whose text starts with label; the
// last one drawn wins, so a dialog's button beats the window's.
func (h *harness) tap(label string) {
	h.t.Helper()
	h.settle()
	var found *widget.Button
	for _, o := range h.objects() {
		if b, ok := o.(*widget.Button); ok && b.Visible() && !b.Disabled() && strings.HasPrefix(b.Text, label) {
			found = b
		}
	}
	if found == nil {
		h.t.Fatalf("no enabled button %q on screen:\n%s", label, h.text())
	}
	test.Tap(found)
	h.settle()
}

// entry returns the visible entry whose placeholder starts with placeholder.
func (h *harness) entry(placeholder string) *widget.Entry {
	h.t.Helper()
	h.settle()
	var found *widget.Entry
	for _, o := range h.objects() {
		if e, ok := o.(*widget.Entry); ok && e.Visible() && strings.HasPrefix(e.PlaceHolder, placeholder) {
			found = e
		}
	}
	if found == nil {
		h.t.Fatalf("no entry with placeholder %q", placeholder)
	}
	return found
}

func (h *harness) typeInto(placeholder, text string) {
	h.t.Helper()
	e := h.entry(placeholder)
	e.SetText("")
	test.Type(e, text)
	h.settle()
}

// waitFor drains queued UI work until cond holds.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s; the screen shows:\n%s", what, h.text())
		}
		h.runner.Drain()
		time.Sleep(20 * time.Millisecond)
	}
}

// waitForText waits until the window shows want.
func (h *harness) waitForText(what, want string) {
	h.t.Helper()
	h.waitFor(what, func() bool { return strings.Contains(h.text(), want) })
}

func vaultFilterName(name string) engine.Filter {
	return engine.Filter{Search: name, Sort: engine.SortID}
}

// makeVault creates a vault at where with the passphrase pass (insecure
// when nil) and, when caName is set, a CA of that name; it is left closed.
func makeVault(t *testing.T, where string, pass []byte, caName string) string {
	t.Helper()
	v, err := engine.Create(where, pass, engine.CreateOptions{Insecure: pass == nil})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if caName != "" {
		if _, err := v.CreateCA(context.Background(), caName, pki.CARequest{}); err != nil {
			t.Fatal(err)
		}
	}
	return where
}

// emptyVault is an insecure vault file in dir without a CA.
func emptyVault(t *testing.T, dir string) string {
	return makeVault(t, filepath.Join(dir, "empty.db"), nil, "")
}

// newVaultWithCA is an insecure vault file in dir with the CA "Acme".
func newVaultWithCA(t *testing.T, dir string) string {
	return makeVault(t, filepath.Join(dir, "work.db"), nil, "Acme")
}

// startWithCA starts the app on a new vault file in a temporary folder
// holding a CA (newVaultWithCA); it returns the folder too.
func startWithCA(t *testing.T) (*harness, string) {
	t.Helper()
	dir := t.TempDir()
	h := newHarness(t, Options{VaultPath: newVaultWithCA(t, dir)})
	h.app.Start()
	return h, dir
}

// saveShot writes the window as PNG into $CERTDESK_UI_SHOTS, when set, to
// look at.
func saveShot(t *testing.T, h *harness, name string) {
	if dir := os.Getenv("CERTDESK_UI_SHOTS"); dir != "" {
		writeShot(t, h, filepath.Join(dir, name))
	}
}

// writeShot writes the window, once settled, as a PNG file at path.
func writeShot(t *testing.T, h *harness, path string) {
	t.Helper()
	h.settle()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, h.win.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// refusedThenFixed types bad into the field whose placeholder starts with
// hint and presses button: the form tells refusal beside the field. Then
// it types good into the same field and presses button again.
func (h *harness) refusedThenFixed(hint, button, bad, refusal, good string) {
	h.t.Helper()
	h.typeInto(hint, bad)
	h.tap(button)
	seesFormError(h, refusal)
	h.typeInto(hint, good)
	h.tap(button)
}

// seesFormError checks that a form shows want in one of its error lines
// (whole, however the line wraps on screen).
func seesFormError(h *harness, want string) {
	h.t.Helper()
	h.settle()
	var errs []string
	for _, o := range h.objects() {
		if l, ok := o.(*widget.Label); ok && l.Visible() && l.Importance == widget.DangerImportance {
			errs = append(errs, l.Text)
		}
	}
	if !strings.Contains(strings.Join(errs, "\n"), want) {
		h.t.Fatalf("no form error says %q; the errors shown are %q", want, errs)
	}
}
