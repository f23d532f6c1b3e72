package main

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	"github.com/spf13/cobra"

	"certdesk/core/engine"
	"certdesk/core/export"
	"certdesk/core/onboard"
	"certdesk/core/pki"
)

// bulkFlags are bulk's options as typed.
type bulkFlags struct{ caName, csvFile, outDir, keyType, preset string }

func (c *cli) bulkCommand() *cobra.Command {
	var f bulkFlags
	cmd := leaf{
		use: "bulk --csv FILE --out DIR [--ca NAME]", args: flagsOnly,
		short: "Issue one person certificate per CSV row (name,email[,org,ou,days]), a PKCS#12 each, and a password sheet",
		run: func(*cobra.Command, []string) error {
			rows, opts, err := f.people()
			if err != nil {
				return err
			}
			return c.withCA(f.caName, func(v *engine.Engine, ca engine.CA) error { return c.onboard(v, ca, rows, opts) })
		},
	}.command()
	caFlag(cmd, &f.caName, "the issuing CA")
	cmd.Flags().StringVar(&f.csvFile, "csv", "", "CSV file: name,email[,org,ou,days] (a header row is skipped)")
	cmd.Flags().StringVar(&f.outDir, "out", "", "folder for the PKCS#12 files and passwords.csv")
	cmd.Flags().StringVar(&f.keyType, "key", string(pki.DefaultKeyType), "key type for every person")
	cmd.Flags().StringVar(&f.preset, "preset", "compatible", "PKCS#12 preset: compatible or modern")
	return cmd
}

// people checks bulk's flags and reads the people in its CSV file, with
// how their files are delivered.
func (f bulkFlags) people() ([]onboard.Row, onboard.Options, error) {
	if f.csvFile == "" || f.outDir == "" {
		return nil, onboard.Options{}, usageError{errors.New("give --csv FILE and --out DIR")}
	}
	kt, err := pki.ParseKeyType(f.keyType)
	if err != nil {
		return nil, onboard.Options{}, usageError{err}
	}
	preset, err := export.ParsePreset(f.preset)
	if err != nil {
		return nil, onboard.Options{}, usageError{err}
	}
	data, err := readLimited(f.csvFile, onboard.MaxCSVBytes, "split it")
	if err != nil {
		return nil, onboard.Options{}, err
	}
	rows, err := onboard.ParseCSV(bytes.NewReader(data), kt)
	if err != nil {
		return nil, onboard.Options{}, fmt.Errorf("%s: %w", f.csvFile, err)
	}
	return rows, onboard.Options{OutDir: f.outDir, Preset: preset}, nil
}

// onboard issues and delivers a certificate per row, showing progress on a
// terminal, and reports the rows that failed.
func (c *cli) onboard(v *engine.Engine, ca engine.CA, rows []onboard.Row, opts onboard.Options) error {
	if c.showProgress {
		opts.Progress = c.bulkProgress()
	}
	rep, err := v.Onboard(c.ctx, ca, rows, opts)
	if c.showProgress {
		fmt.Fprintln(c.stderr)
	}
	if err != nil {
		return err
	}
	outDir := opts.OutDir
	for _, r := range rep.Results {
		if r.Err != nil {
			fmt.Fprintf(c.stderr, "row %d (%s): %s\n", r.Row.Line, termText(r.Row.Name(), maxNameRunes), termText(r.Err.Error(), maxLineRunes))
		}
	}
	fmt.Fprintf(c.stdout, "Issued %d certificate(s), %d row(s) failed. PKCS#12 files in %s; passwords in %s — hand them over separately.\n", rep.Issued, rep.Failed, outDir, rep.Sheet)
	if rep.Earlier > 0 {
		fmt.Fprintf(c.stdout, "%d row(s) were delivered to this folder by an earlier run; they are on the sheet already.\n", rep.Earlier)
	}
	if rep.Undelivered > 0 {
		return exitCodeError{code: exitError, err: fmt.Errorf("%d certificate(s) were issued but not delivered (listed above): fix the cause and run the same command again to deliver them with new passwords", rep.Undelivered)}
	}
	if rep.Failed > 0 {
		return exitCodeError{code: exitError, err: fmt.Errorf("%d row(s) failed; the others were issued", rep.Failed)}
	}
	return nil
}

// bulkProgress reports on stderr how far a bulk run is, and what Ctrl-C does
// at that stage.
func (c *cli) bulkProgress() func(stage string, done, total int) {
	var mu sync.Mutex
	return func(stage string, done, total int) {
		mu.Lock()
		defer mu.Unlock()
		hint := "Ctrl-C cancels; nothing is stored"
		if stage == "writing" {
			hint = "Ctrl-C stops; a re-run delivers the rest"
		}
		fmt.Fprintf(c.stderr, "\r%s %d/%d (%s)  ", stage, done, total, hint)
	}
}
