package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
)

func (c *cli) logCommand() *cobra.Command {
	var limit int
	var ref string
	cmd := leaf{
		use:   "log",
		short: "Show the audit trail, newest first, and whether its hash chain is intact (exit 1 when broken)",
		args:  noArgs,
		run: func(*cobra.Command, []string) error {
			return c.withReadableVault(func(v *engine.Engine, locked error) error { return c.showLog(v, locked, ref, limit) })
		},
	}.command()
	cmd.Flags().IntVar(&limit, "limit", 1000, "show at most this many entries")
	cmd.Flags().StringVar(&ref, "cert", "", "only the entries about this certificate (REF)")
	return cmd
}

// showLog prints the audit trail (of ref's certificate, when given) and the
// state of its hash chain; a broken chain is exit 1.
func (c *cli) showLog(v *engine.Engine, locked error, ref string, limit int) error {
	var certID int64
	if ref != "" {
		rec, err := v.Find(c.ctx, ref)
		if err != nil {
			return err
		}
		certID = rec.ID
	}
	entries, err := v.Audit(c.ctx, certID, limit)
	if err != nil {
		return err
	}
	chain, err := v.VerifyAudit(c.ctx)
	if err != nil {
		return err
	}
	js := logJSON{Entries: nonNilEntries(entries), Chain: chainJSONOf(chain, locked)}
	if err := c.printOr(js, func() { c.printLog(entries, chain, locked) }); err != nil {
		return err
	}
	if chain.Checked && !chain.Intact {
		return exitCodeError{code: exitError, err: fmt.Errorf("the audit trail of %s is broken", v.Path())}
	}
	return nil
}

type chainJSON struct {
	Checked  bool   `json:"checked"`
	Intact   bool   `json:"intact"`
	Entries  int    `json:"entries"`
	BrokenAt int64  `json:"broken_at,omitempty"`
	Problem  string `json:"problem,omitempty"`
}

type logJSON struct {
	Chain   chainJSON           `json:"chain"`
	Entries []engine.AuditEntry `json:"entries"`
}

func chainJSONOf(c engine.AuditChain, locked error) chainJSON {
	out := chainJSON{Checked: c.Checked, Intact: c.Intact, Entries: c.Entries, BrokenAt: c.BrokenAt}
	switch {
	case c.Problem != nil:
		out.Problem = c.Problem.Error()
	case locked != nil:
		out.Problem = "not checked: " + locked.Error()
	case !c.Checked:
		out.Problem = "not checked: the vault is locked (give the passphrase)"
	}
	return out
}

func nonNilEntries(e []engine.AuditEntry) []engine.AuditEntry {
	if e == nil {
		return []engine.AuditEntry{}
	}
	return e
}

func (c *cli) printLog(entries []engine.AuditEntry, chain engine.AuditChain, locked error) {
	for _, e := range entries {
		fmt.Fprintf(c.stdout, "%5d  %s  %-18s %s  (%s)\n", e.ID, e.At.Format(time.DateTime), e.Action,
			certinfo.Clean(e.Detail), certinfo.Clean(e.Actor))
	}
	switch {
	case chain.Intact:
		fmt.Fprintf(c.stdout, "Audit chain: intact (%d entries).\n", chain.Entries)
	case chain.Checked:
		fmt.Fprintf(c.stdout, "Audit chain: BROKEN: %v\n", chain.Problem)
	case locked != nil:
		fmt.Fprintf(c.stdout, "Audit chain: not checked: %v\n", locked)
	default:
		fmt.Fprintln(c.stdout, "Audit chain: not checked: the vault is locked (give the passphrase to check it).")
	}
}
