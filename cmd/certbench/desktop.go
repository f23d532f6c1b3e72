package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// benchDesktop measures the app's cold start to its first window with a
// 10,000-certificate vault under Xvfb, and the time to put 10,000 server
// events into the live table.
func benchDesktop() ([]row, error) {
	bin := "bin/certdesk"
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("%s is missing: run `make certdesk` first", bin)
	}
	dir, err := os.MkdirTemp("", "certbench-desktop-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	vaultPath := filepath.Join(dir, "v.db")
	if _, _, err := buildVault(vaultPath, 10_000); err != nil {
		return nil, err
	}
	display, stop, err := startXvfb()
	if err != nil {
		return nil, err
	}
	defer stop()
	var starts []time.Duration
	for range 5 {
		d, err := coldStart(bin, vaultPath, display, dir)
		if err != nil {
			return nil, err
		}
		starts = append(starts, d)
	}
	cold := median(starts)

	out, err := exec.Command("go", "test", "-tags", "migrated_fynedo", "-run", "^$", "-bench", "BenchmarkApply10000Events", "-benchtime", "10x", "-count", "5", "./ui/").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("events benchmark: %v: %s", err, out)
	}
	var runs []float64
	for _, m := range regexp.MustCompile(`BenchmarkApply10000Events\S*\s+\d+\s+(\d+) ns/op`).FindAllStringSubmatch(string(out), -1) {
		ns, _ := strconv.ParseFloat(m[1], 64)
		runs = append(runs, ns)
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("no result in:\n%s", out)
	}
	apply := time.Duration(medianF(runs))
	return []row{
		{what: "desktop: cold start to first window, 10,000-certificate vault (Xvfb)", ours: ms(cold), target: "< 1 s", verdict: met(cold < time.Second)},
		{what: "desktop: apply 10,000 server events to the live table (one batch)", ours: ms(apply), target: "window stays responsive (< 100 ms)", verdict: met(apply < 100*time.Millisecond)},
	}, nil
}

func startXvfb() (string, func(), error) {
	for n := 120; n < 160; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		d := fmt.Sprintf(":%d", n)
		cmd := exec.Command("Xvfb", d, "-screen", "0", "1400x900x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			return "", nil, err
		}
		stop := func() { cmd.Process.Kill(); cmd.Wait() }
		for range 100 {
			probe := exec.Command("xdotool", "getmouselocation")
			probe.Env = append(os.Environ(), "DISPLAY="+d)
			if probe.Run() == nil {
				return d, stop, nil
			}
			time.Sleep(50 * time.Millisecond)
		}
		stop()
		return "", nil, fmt.Errorf("the X server on %s did not start", d)
	}
	return "", nil, fmt.Errorf("no free display")
}

// coldStart starts the app and returns the time until its window is mapped.
func coldStart(bin, vaultPath, display, home string) (time.Duration, error) {
	env := append(os.Environ(), "DISPLAY="+display, "LANG=C.UTF-8", "HOME="+home)
	cmd := exec.Command(bin, "--vault", vaultPath, "--theme", "light")
	cmd.Env = env
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	for time.Since(start) < 30*time.Second {
		probe := exec.Command("xdotool", "search", "--onlyvisible", "--name", "Certdesk")
		probe.Env = env
		if out, err := probe.Output(); err == nil && strings.TrimSpace(string(out)) != "" {
			return time.Since(start), nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return 0, fmt.Errorf("no window after 30 s")
}
