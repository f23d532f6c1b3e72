package mtls

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// browser is one headless Chromium driven over the DevTools protocol on
// --remote-debugging-pipe (JSON messages ended by NUL on fds 3 and 4).
type browser struct {
	t       *testing.T
	cmd     *exec.Cmd
	in      *os.File // our end: Chromium reads it as fd 3
	session string

	mu      sync.Mutex
	nextID  int
	waiting map[int]chan cdpMessage
	events  chan cdpMessage
	done    chan struct{}
}

type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// startBrowser runs Chromium with HOME (and so its NSS database) in home
// and attaches to its first page.
func startBrowser(t *testing.T, chromium, home string) *browser {
	t.Helper()
	toChrome, ourIn, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	ourOut, fromChrome, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--remote-debugging-pipe",
		"--user-data-dir="+filepath.Join(home, "profile"), "about:blank")
	cmd.Env = append(os.Environ(), "HOME="+home)
	cmd.ExtraFiles = []*os.File{toChrome, fromChrome}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logFile, err := os.Create(filepath.Join(home, "chromium.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	toChrome.Close()
	fromChrome.Close()
	b := &browser{t: t, cmd: cmd, in: ourIn, waiting: map[int]chan cdpMessage{}, events: make(chan cdpMessage, 1000), done: make(chan struct{})}
	t.Cleanup(func() { b.close(); logFile.Close() })
	go b.readLoop(ourOut)

	var targets struct {
		TargetInfos []struct {
			TargetID string `json:"targetId"`
			Type     string `json:"type"`
		} `json:"targetInfos"`
	}
	b.call("", "Target.getTargets", nil, &targets)
	for _, ti := range targets.TargetInfos {
		if ti.Type == "page" {
			var att struct {
				SessionID string `json:"sessionId"`
			}
			b.call("", "Target.attachToTarget", map[string]any{"targetId": ti.TargetID, "flatten": true}, &att)
			b.session = att.SessionID
			break
		}
	}
	if b.session == "" {
		t.Fatal("Chromium has no page to drive")
	}
	b.call(b.session, "Page.enable", nil, nil)
	return b
}

func (b *browser) readLoop(out *os.File) {
	defer close(b.done)
	defer out.Close()
	r := bufio.NewReaderSize(out, 1<<20)
	for {
		raw, err := r.ReadBytes(0)
		if err != nil {
			return
		}
		var m cdpMessage
		if json.Unmarshal(raw[:len(raw)-1], &m) != nil {
			continue
		}
		if m.ID != 0 {
			b.mu.Lock()
			ch := b.waiting[m.ID]
			delete(b.waiting, m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		select {
		case b.events <- m:
		default:
		}
	}
}

// call sends one command and waits (at most 20 s) for its answer.
func (b *browser) call(session, method string, params any, result any) {
	b.t.Helper()
	if err := b.try(session, method, params, result); err != nil {
		b.t.Fatalf("%s: %v", method, err)
	}
}

func (b *browser) try(session, method string, params any, result any) error {
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan cdpMessage, 1)
	b.waiting[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	data, _ := json.Marshal(msg)
	if _, err := b.in.Write(append(data, 0)); err != nil {
		return err
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return errors.New(m.Error.Message)
		}
		if result != nil {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-b.done:
		return errors.New("Chromium exited")
	case <-time.After(20 * time.Second):
		return errors.New("no answer within 20 s")
	}
}

// waitLoad waits (at most 20 s) for the page's load event.
func (b *browser) waitLoad() {
	b.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case m := <-b.events:
			if m.Method == "Page.loadEventFired" && m.SessionID == b.session {
				return
			}
		case <-deadline:
			b.t.Fatal("the page did not load within 20 s")
		}
	}
}

func (b *browser) drainEvents() {
	for {
		select {
		case <-b.events:
		default:
			return
		}
	}
}

// navigate loads url and returns the page's text.
func (b *browser) navigate(url string) string {
	b.t.Helper()
	b.drainEvents()
	var res struct {
		ErrorText string `json:"errorText"`
	}
	b.call(b.session, "Page.navigate", map[string]any{"url": url}, &res)
	b.waitLoad()
	return b.text()
}

// reload reloads the page and returns its text.
func (b *browser) reload() string {
	b.t.Helper()
	b.drainEvents()
	b.call(b.session, "Page.reload", map[string]any{"ignoreCache": true}, nil)
	b.waitLoad()
	return b.text()
}

func (b *browser) text() string {
	b.t.Helper()
	var res struct {
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
	}
	b.call(b.session, "Runtime.evaluate", map[string]any{"expression": "document.body ? document.body.innerText : ''", "returnByValue": true}, &res)
	return res.Result.Value
}

// colorScheme emulates prefers-color-scheme (light or dark).
func (b *browser) colorScheme(scheme string) {
	b.t.Helper()
	b.call(b.session, "Emulation.setEmulatedMedia", map[string]any{"features": []map[string]string{{"name": "prefers-color-scheme", "value": scheme}}}, nil)
}

// narrow emulates a phone-wide window (width in CSS pixels); 0 ends it.
func (b *browser) narrow(width int) {
	b.t.Helper()
	if width == 0 {
		b.call(b.session, "Emulation.clearDeviceMetricsOverride", nil, nil)
		return
	}
	b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": true}, nil)
}

// screenshot writes the whole page as a PNG.
func (b *browser) screenshot(path string) {
	b.t.Helper()
	var metrics struct {
		CSSContentSize struct {
			Width  float64 `json:"width"`
			Height float64 `json:"height"`
		} `json:"cssContentSize"`
	}
	b.call(b.session, "Page.getLayoutMetrics", nil, &metrics)
	var shot struct {
		Data string `json:"data"`
	}
	b.call(b.session, "Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": metrics.CSSContentSize.Width, "height": metrics.CSSContentSize.Height, "scale": 1}}, &shot)
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil || len(png) == 0 {
		b.t.Fatalf("screenshot %s: %v", path, err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// close asks Chromium to quit, then ends its process group.
func (b *browser) close() {
	if b.cmd.Process == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	go b.try("", "Browser.close", nil, nil)
	exited := make(chan struct{})
	go func() { b.cmd.Wait(); close(exited) }()
	select {
	case <-exited:
	case <-ctx.Done():
		syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	}
	syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL) // any helper left behind
	b.in.Close()
	b.cmd.Process = nil
}
