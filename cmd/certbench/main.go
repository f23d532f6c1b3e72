// Command certbench measures Certdesk side by side with the tools people use
// today (nginx, openssl scripts) on this machine, and prints a table of
// medians and ratios. `make bench` runs it.
package main

import (
	"errors"
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

// children are the modes certbench runs itself in as a child process, and
// "fixture", for profiling by hand (certbench fixture DIR).
var children = map[string]func(args []string) error{
	"serve-ours": serveOurs,
	"load":       loadMain,
	"fixture": func(args []string) error {
		if len(args) != 1 {
			return errors.New("usage: certbench fixture DIR")
		}
		return writeTLSFixture(args[0])
	},
}

func main() {
	if len(os.Args) > 1 {
		if child, ok := children[os.Args[1]]; ok {
			if err := child(os.Args[2:]); err != nil {
				fmt.Fprintf(os.Stderr, "certbench %s: %v\n", os.Args[1], err)
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
