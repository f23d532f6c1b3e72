package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
	for n := 90; n < 120; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		cmd := exec.Command(xvfb, fmt.Sprintf(":%d", n), "-screen", "0", "1400x900x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
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

// Positions in the 1280x800 window (the layout of the demo's screens).
const (
	tabCertificatesX, tabCertificatesY = 70, 50
	tabServerX, tabServerY             = 190, 50
	firstRowX, firstRowY               = 470, 200
	tryAsX, tryAsY                     = 233, 542
	configureX, configureY             = 118, 659 // "Configure a server…" in the CA panel
)

// TestSmoke runs the real binary on a demo vault under Xvfb, clicks through
// it, takes screenshots, and quits.
func TestSmoke(t *testing.T) {
	disp := display(t)
	bin := buildApp(t)
	s := startApp(t, bin, disp, "--demo", "--vault", filepath.Join(t.TempDir(), "demo.db"), "--addr", "127.0.0.1:0", "--theme", "light")
	dir := t.TempDir()
	before := s.screenshot(filepath.Join(dir, "server-before.png"))
	s.click(tryAsX, tryAsY)    // "Connect as Alice Valid"
	s.click(tryAsX, tryAsY+40) // "Connect with no certificate"
	time.Sleep(500 * time.Millisecond)
	after := s.screenshot(filepath.Join(dir, "server-after.png"))
	if bytes.Equal(before, after) {
		t.Error("clicking the try-it buttons changed nothing on screen")
	}
	s.click(tabCertificatesX, tabCertificatesY)
	s.click(firstRowX, firstRowY)
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
	for _, theme := range []string{"light", "dark"} {
		s := startApp(t, bin, disp, "--demo", "--vault", filepath.Join(t.TempDir(), "demo.db"), "--addr", "127.0.0.1:0", "--theme", theme)
		s.click(tryAsX, tryAsY)
		s.click(tryAsX, tryAsY+40)
		s.click(tryAsX, tryAsY+80)
		s.click(700, 160)
		s.screenshot(filepath.Join(out, "server-"+theme+".png"))
		s.click(tabCertificatesX, tabCertificatesY)
		s.click(firstRowX, firstRowY+40)
		s.screenshot(filepath.Join(out, "certificates-"+theme+".png"))
		s.click(configureX, configureY)
		s.screenshot(filepath.Join(out, "configure-server-"+theme+".png"))
		s.quit()
	}
}
