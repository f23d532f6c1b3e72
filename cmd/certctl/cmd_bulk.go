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

func (c *cli) bulkCommand() *cobra.Command {
	var caName, csvFile, outDir, keyType string
	var presetName string
	cmd := leaf{
		use: "bulk --csv FILE --out DIR [--ca NAME]", args: flagsOnly,
		short: "Issue one person certificate per CSV row (name,email[,org,ou,days]), a PKCS#12 each, and a password sheet",
		run: func(*cobra.Command, []string) error {
			if csvFile == "" || outDir == "" {
				return usageError{errors.New("give --csv FILE and --out DIR")}
			}
			kt, err := pki.ParseKeyType(keyType)
			if err != nil {
				return usageError{err}
			}
			preset, err := export.ParsePreset(presetName)
			if err != nil {
				return usageError{err}
			}
			data, err := readLimited(csvFile, onboard.MaxCSVBytes, "split it")
			if err != nil {
				return err
			}
			rows, err := onboard.ParseCSV(bytes.NewReader(data), kt)
			if err != nil {
				return fmt.Errorf("%s: %w", csvFile, err)
			}
			opts := onboard.Options{OutDir: outDir, Preset: preset}
			return c.withCA(caName, func(v *engine.Engine, ca engine.CA) error {
				return c.onboard(v, ca, rows, opts)
			})
		},
	}.command()
	caFlag(cmd, &caName, "the issuing CA")
	cmd.Flags().StringVar(&csvFile, "csv", "", "CSV file: name,email[,org,ou,days] (a header row is skipped)")
	cmd.Flags().StringVar(&outDir, "out", "", "folder for the PKCS#12 files and passwords.csv")
	cmd.Flags().StringVar(&keyType, "key", string(pki.DefaultKeyType), "key type for every person")
	cmd.Flags().StringVar(&presetName, "preset", "compatible", "PKCS#12 preset: compatible or modern")
	return cmd
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
