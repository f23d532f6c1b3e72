package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"certdesk/core/peer"
)

// Bounds of the programs the desktop benchmark runs.
const (
	goTestTimeout = 15 * time.Minute // go test builds the UI package first
	probeTimeout  = 5 * time.Second  // one xdotool probe
)

// benchDesktop measures the app's cold start to its first window with a
// 10,000-certificate vault under Xvfb, and the time to put 10,000 server
// events into the live table.
func benchDesktop() ([]row, error) {
	bin := "bin/certdesk"
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("%s is missing: run `make certdesk` first", bin)
	}
	dir, remove, err := tempDir("desktop")
	if err != nil {
		return nil, err
	}
	defer remove()
	vaultPath := filepath.Join(dir, "v.db")
	if _, _, err := buildVault(vaultPath, 10_000); err != nil {
		return nil, err
	}
	xvfb, display, err := startXvfb()
	if err != nil {
		return nil, err
	}
	defer func() { warnOnError("stopping Xvfb", xvfb.Stop()) }()
	var starts []time.Duration
	for range 5 {
		d, err := coldStart(bin, vaultPath, display, dir)
		if err != nil {
			return nil, err
		}
		starts = append(starts, d)
	}
	cold := median(starts)
	apply, err := applyEventsBenchmark()
	if err != nil {
		return nil, err
	}
	return []row{
		{what: "desktop: cold start to first window, 10,000-certificate vault (Xvfb)", ours: ms(cold), target: "< 1 s", verdict: met(cold < time.Second)},
		{what: "desktop: apply 10,000 server events to the live table (one batch)", ours: ms(apply), target: "window stays responsive (< 100 ms)", verdict: met(apply < 100*time.Millisecond)},
	}, nil
}

// applyEventsBenchmark runs the UI's Go benchmark of one batch of 10,000
// server events and returns its median.
func applyEventsBenchmark() (time.Duration, error) {
	cmd := exec.Command("go", "test", "-tags", "migrated_fynedo", "-run", "^$", "-bench", "BenchmarkApply10000Events", "-benchtime", "10x", "-count", "5", "./ui/")
	out, err := peer.Run(cmd, goTestTimeout)
	if err != nil {
		return 0, fmt.Errorf("events benchmark: %w: %s", err, out)
	}
	var runs []float64
	for _, m := range regexp.MustCompile(`BenchmarkApply10000Events\S*\s+\d+\s+(\d+) ns/op`).FindAllStringSubmatch(out, -1) {
		ns, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			return 0, fmt.Errorf("events benchmark: %q: %w", m[0], err)
		}
		runs = append(runs, ns)
	}
	if len(runs) == 0 {
		return 0, fmt.Errorf("events benchmark: no result in:\n%s", out)
	}
	return time.Duration(medianF(runs)), nil
}

// startXvfb starts an X server on the first free display from :120 and
// waits until it answers.
func startXvfb() (*peer.Process, string, error) {
	for n := 120; n < 160; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		d := fmt.Sprintf(":%d", n)
		xvfb, err := peer.Start(exec.Command("Xvfb", d, "-screen", "0", "1400x900x24", "-nolisten", "tcp"))
		if err != nil {
			return nil, "", err
		}
		for range 100 {
			if xdotool(d, "getmouselocation") == nil {
				return xvfb, d, nil
			}
			time.Sleep(50 * time.Millisecond)
		}
		err = fmt.Errorf("the X server on %s did not start: %s", d, xvfb.Output())
		return nil, "", errors.Join(err, xvfb.Stop())
	}
	return nil, "", errors.New("no free display between :120 and :159")
}

// xdotool runs xdotool on display; its error is the answer of a probe
// (no window yet, no X server yet).
func xdotool(display string, args ...string) error {
	_, err := xdotoolOutput(display, args...)
	return err
}

func xdotoolOutput(display string, args ...string) (string, error) {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	cmd.Stderr = io.Discard
	var out strings.Builder
	cmd.Stdout = &out
	_, err := peer.Run(cmd, probeTimeout)
	return out.String(), err
}

// coldStart starts the app and returns the time until its window is mapped.
func coldStart(bin, vaultPath, display, home string) (time.Duration, error) {
	cmd := exec.Command(bin, "--vault", vaultPath, "--theme", "light")
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=C.UTF-8", "HOME="+home)
	start := time.Now()
	app, err := peer.Start(cmd)
	if err != nil {
		return 0, err
	}
	defer func() { warnOnError("stopping the app", app.Stop()) }()
	for time.Since(start) < 30*time.Second {
		if out, err := xdotoolOutput(display, "search", "--onlyvisible", "--name", "Certdesk"); err == nil && strings.TrimSpace(out) != "" {
			return time.Since(start), nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return 0, fmt.Errorf("no window after 30 s: %s", app.Output())
}
