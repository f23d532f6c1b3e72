// Command certbench measures Certdesk side by side with the tools people use
// today (nginx, openssl scripts) on this machine, and prints a table of
// medians and ratios. `make bench` runs it.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"
)

// row is one line of the result table.
type row struct {
	what, ours, theirs, ratio, target, verdict string
}

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "serve-ours":
			serveOurs(os.Args[2:])
			return
		case "load":
			loadMain(os.Args[2:])
			return
		case "fixture": // for profiling by hand: certbench fixture DIR
			if err := writeTLSFixture(os.Args[2]); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			return
		}
	}
	only := flag.String("only", "", "comma-separated sections: handshake,vault,bulk,pki,crl,revocation,desktop,hierarchy")
	flag.Parse()
	want := func(s string) bool { return *only == "" || strings.Contains(*only, s) }
	fmt.Printf("certbench on %s, %d cores, %s/%s, %s\n\n", hostCPU(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, time.Now().Format("2006-01-02"))
	var rows []row
	type section struct {
		name string
		run  func() ([]row, error)
	}
	for _, s := range []section{
		{"handshake", benchHandshakes}, {"vault", benchVault}, {"bulk", benchBulk}, {"pki", benchPKI},
		{"crl", benchCRL}, {"revocation", benchRevocation}, {"desktop", benchDesktop}, {"hierarchy", benchHierarchy},
	} {
		if !want(s.name) {
			continue
		}
		fmt.Fprintf(os.Stderr, "== %s\n", s.name)
		r, err := s.run()
		if err != nil {
			fmt.Fprintf(os.Stderr, "certbench: %s: %v\n", s.name, err)
			rows = append(rows, row{what: s.name, ours: "failed: " + err.Error()})
			continue
		}
		rows = append(rows, r...)
	}
	printTable(rows)
}

func printTable(rows []row) {
	fmt.Println("| measurement | Certdesk | reference | ratio | target | met |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Printf("| %s | %s | %s | %s | %s | %s |\n", r.what, r.ours, r.theirs, r.ratio, r.target, r.verdict)
	}
}

func met(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// median of durations.
func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func medianF(fs []float64) float64 {
	s := append([]float64(nil), fs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// repeat runs f n times and returns the median duration.
func repeat(n int, f func() error) (time.Duration, error) {
	var ds []time.Duration
	for range n {
		start := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		ds = append(ds, time.Since(start))
	}
	return median(ds), nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func hostCPU() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "model name") {
			return strings.TrimSpace(line[strings.Index(line, ":")+1:])
		}
	}
	return "unknown CPU"
}
