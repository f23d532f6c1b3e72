package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"certdesk/core/peer"
	"certdesk/core/peer/peertest"
)

// display runs an Xvfb server for the test and returns its DISPLAY.
func display(t *testing.T) string {
	t.Helper()
	xvfb := peertest.Require(t, "Xvfb")
	peertest.Require(t, "xdotool")
	peertest.Require(t, "import")
	for n := 90; n < 160; n++ {
		if displayInUse(n) {
			continue
		}
		cmd := exec.Command(xvfb, fmt.Sprintf(":%d", n), "-screen", "0", "2000x1200x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { stopXvfb(cmd, n) })
		d := fmt.Sprintf(":%d", n)
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if exec.Command("xdotool", "getmouselocation").Run() == nil || xdotoolOK(d) {
				return d
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("Xvfb on %s did not come up", d)
	}
	t.Fatal("no free X display number")
	return ""
}

// displayInUse reports whether an X server holds display n. A lock file
// whose server is gone (killed without cleaning up) is stale: it and the
// socket are removed, and the number is free again.
func displayInUse(n int) bool {
	lock, sock := fmt.Sprintf("/tmp/.X%d-lock", n), fmt.Sprintf("/tmp/.X11-unix/X%d", n)
	data, err := os.ReadFile(lock)
	if err != nil {
		_, sockErr := os.Stat(sock)
		return sockErr == nil // a socket with no lock: someone else's server
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err == nil && pid > 0 && syscall.Kill(pid, 0) == nil {
		return true
	}
	os.Remove(lock)
	os.Remove(sock)
	return false
}

// stopXvfb ends the test's X server politely, so it removes its lock and
// socket, and cleans them up if it could not.
func stopXvfb(cmd *exec.Cmd, n int) {
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-done
	}
	os.Remove(fmt.Sprintf("/tmp/.X%d-lock", n))
	os.Remove(fmt.Sprintf("/tmp/.X11-unix/X%d", n))
}

func xdotoolOK(d string) bool {
	cmd := exec.Command("xdotool", "getmouselocation")
	cmd.Env = append(os.Environ(), "DISPLAY="+d)
	return cmd.Run() == nil
}

// buildApp builds the real binary with the project's tags.
func buildApp(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "certdesk")
	cmd := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

type session struct {
	t       *testing.T
	display string
	cmd     *exec.Cmd
	window  string
	out     *peer.Output
}

func startApp(t *testing.T, bin, disp string, args ...string) *session {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+disp, "LANG=C.UTF-8", "CERTDESK_FYNE_DIALOGS=1", "HOME="+t.TempDir())
	out := &peer.Output{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &session{t: t, display: disp, cmd: cmd, out: out}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		id, err := s.xdotool("search", "--onlyvisible", "--name", "Certdesk")
		if err == nil && id != "" {
			s.window = strings.Fields(id)[0]
			time.Sleep(2 * time.Second) // the demo builds and the server starts
			return s
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no Certdesk window appeared:\n%s", out)
	return nil
}

func (s *session) xdotool(args ...string) (string, error) {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+s.display)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func (s *session) click(x, y int) {
	s.t.Helper()
	if out, err := s.xdotool("mousemove", "--window", s.window, fmt.Sprint(x), fmt.Sprint(y), "click", "1"); err != nil {
		s.t.Fatalf("xdotool click: %v %s", err, out)
	}
	time.Sleep(700 * time.Millisecond)
}

func (s *session) screenshot(path string) []byte {
	s.t.Helper()
	cmd := exec.Command("import", "-window", s.window, path)
	cmd.Env = append(os.Environ(), "DISPLAY="+s.display)
	if out, err := cmd.CombinedOutput(); err != nil {
		s.t.Fatalf("import: %v %s", err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil || len(data) < 5000 {
		s.t.Fatalf("screenshot %s is missing or blank (%d bytes): %v", path, len(data), err)
	}
	return data
}

func (s *session) alive() bool {
	return s.cmd.ProcessState == nil && s.cmd.Process.Signal(syscall.Signal(0)) == nil
}

// quit presses Ctrl+Q and waits for a clean exit.
func (s *session) quit() {
	s.t.Helper()
	s.xdotool("key", "--window", s.window, "ctrl+q")
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			s.t.Errorf("certdesk exited with %v:\n%s", err, s.out)
		}
	case <-time.After(15 * time.Second):
		s.t.Errorf("certdesk did not quit after Ctrl+Q:\n%s", s.out)
	}
}

// Positions in the window (the layout of the demo's screens), for each
// window size the screenshots are taken at.
type layoutAt struct {
	size                               string
	tabCertificatesX, tabCertificatesY int
	tabServerX, tabServerY             int
	rowX, firstRowY, rowHeight         int
	tryAsX, tryAsY, tryStep            int // "Connect as …", then the next buttons
	eventX, firstEventY                int
	configureX, configureY             int // "Configure a server…" in the CA panel
}

var layouts = []layoutAt{
	{size: "1280x800", tabCertificatesX: 70, tabCertificatesY: 50, tabServerX: 190, tabServerY: 50,
		rowX: 560, firstRowY: 244, rowHeight: 40, tryAsX: 233, tryAsY: 582, tryStep: 40,
		eventX: 700, firstEventY: 162, configureX: 118, configureY: 659},
	{size: "1920x1080", tabCertificatesX: 75, tabCertificatesY: 49, tabServerX: 190, tabServerY: 49,
		rowX: 800, firstRowY: 244, rowHeight: 40, tryAsX: 359, tryAsY: 543, tryStep: 40,
		eventX: 1000, firstEventY: 162, configureX: 185, configureY: 939},
}

// TestSmoke runs the real binary on a demo vault under Xvfb, clicks through
// it, takes screenshots, and quits.
func TestSmoke(t *testing.T) {
	disp := display(t)
	bin := buildApp(t)
	s := startApp(t, bin, disp, "--demo", "--vault", filepath.Join(t.TempDir(), "demo.db"), "--addr", "127.0.0.1:0", "--theme", "light")
	dir := t.TempDir()
	l := layouts[0]
	before := s.screenshot(filepath.Join(dir, "server-before.png"))
	s.click(l.tryAsX, l.tryAsY)           // "Connect as Alice Valid"
	s.click(l.tryAsX, l.tryAsY+l.tryStep) // "Connect with no certificate"
	time.Sleep(500 * time.Millisecond)
	after := s.screenshot(filepath.Join(dir, "server-after.png"))
	if bytes.Equal(before, after) {
		t.Error("clicking the try-it buttons changed nothing on screen")
	}
	s.click(l.tabCertificatesX, l.tabCertificatesY)
	s.click(l.rowX, l.firstRowY)
	s.screenshot(filepath.Join(dir, "certificates.png"))
	if !s.alive() {
		t.Fatalf("certdesk died:\n%s", s.out)
	}
	if strings.Contains(s.out.String(), "panic") {
		t.Fatalf("certdesk panicked:\n%s", s.out)
	}
	s.quit()
}

// TestScreenshots writes the README's screenshots when
// CERTDESK_SCREENSHOTS names a folder (make screenshot).
func TestScreenshots(t *testing.T) {
	out := os.Getenv("CERTDESK_SCREENSHOTS")
	if out == "" {
		t.Skip("set CERTDESK_SCREENSHOTS to a folder to write screenshots")
	}
	disp := display(t)
	bin := buildApp(t)
	for _, l := range layouts {
		for _, theme := range []string{"light", "dark"} {
			shoot(t, bin, disp, l, theme, out)
		}
	}
}

// shoot takes one size and theme's screenshots: the server tab after the
// three tries (the look-alike's checklist), the checklist of a refusal
// for no certificate, the certificates with a person selected, and the
// server configuration. 1280x800 keeps the README's names.
func shoot(t *testing.T, bin, disp string, l layoutAt, theme, out string) {
	s := startApp(t, bin, disp, "--demo", "--vault", filepath.Join(t.TempDir(), "demo.db"), "--addr", "127.0.0.1:0", "--theme", theme, "--size", l.size)
	name := func(screen string) string {
		if l.size == layouts[0].size {
			return filepath.Join(out, screen+"-"+theme+".png")
		}
		return filepath.Join(out, screen+"-"+l.size+"-"+theme+".png")
	}
	for i := range 3 {
		s.click(l.tryAsX, l.tryAsY+i*l.tryStep)
	}
	s.screenshot(name("server"))
	s.click(l.eventX, l.firstEventY+40) // the refusal for no certificate
	s.screenshot(name("checklist"))
	s.click(l.tabCertificatesX, l.tabCertificatesY)
	s.click(l.rowX, l.firstRowY+l.rowHeight) // Bob, revoked
	s.screenshot(name("certificates"))
	s.click(l.configureX, l.configureY)
	s.screenshot(name("configure-server"))
	s.quit()
}
