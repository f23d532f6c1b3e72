package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
)

func (c *cli) checkCommand() *cobra.Command {
	var quick bool
	cmd := leaf{
		use: "check", args: noArgs,
		short: "Check the vault: SQLite's integrity check, every record against its fingerprint and MAC, the audit chain (exit 1 on any problem)",
		long: `Check the vault file and every record in it.

It runs SQLite's integrity_check (--quick: quick_check), checks every
certificate against its stored SHA-256 fingerprint, and, with the passphrase,
every certificate, CA, revocation list and deny-list entry against its MAC,
each CA certificate against its private key, and the audit trail's hash
chain. Without the passphrase (none in --passphrase-file, $CERTDESK_PASSPHRASE
or a terminal) only what needs no key is checked, and it says so.
Exit 0: no problem; 1: problems (each named) or the check could not run.`,
		run: func(*cobra.Command, []string) error {
			return c.withReadableVault(func(v *engine.Engine, locked error) error { return c.check(v, locked, quick) })
		},
	}.command()
	cmd.Flags().BoolVar(&quick, "quick", false, "run SQLite's quick_check instead of the full integrity_check")
	return cmd
}

// check checks the vault and reports; locked is why its keys stayed locked.
func (c *cli) check(v *engine.Engine, locked error, quick bool) error {
	r, err := v.CheckAll(c.ctx, engine.CheckOptions{Full: !quick})
	if err != nil {
		return err
	}
	if locked != nil {
		r.Problems = append(r.Problems, engine.Problem{Kind: "key", Message: locked.Error(), Err: locked})
	}
	if err := c.printOr(checkJSON(r), func() { c.printCheck(r) }); err != nil {
		return err
	}
	if len(r.Problems) > 0 {
		return exitCodeError{code: exitError, err: fmt.Errorf("%s: %d problem(s) found", v.Path(), len(r.Problems))}
	}
	return nil
}

type checkReportJSON struct {
	engine.CheckReport
	OK   bool   `json:"ok"`
	Mode string `json:"checked_with"`
}

func checkJSON(r engine.CheckReport) checkReportJSON {
	mode := "fingerprints only (no passphrase)"
	if r.Authenticated {
		mode = "MACs under the vault key"
	}
	return checkReportJSON{CheckReport: r, OK: len(r.Problems) == 0, Mode: mode}
}

func (c *cli) printCheck(r engine.CheckReport) {
	fmt.Fprintf(c.stdout, "Vault %s: %d CA(s), %d certificate(s) (%d revoked), %d on the deny-list, %d audit entries.\n",
		r.Path, r.CAs, r.Certificates, r.Revocations, r.Denials, r.Audit.Entries)
	if r.Authenticated {
		fmt.Fprintln(c.stdout, "Records checked against their fingerprints and MACs.")
		if r.Insecure {
			fmt.Fprintln(c.stdout, "This vault has no passphrase: anyone who can write the file can also forge its MACs, so the check finds damage, not a deliberate change.")
		}
		if r.Audit.Intact {
			fmt.Fprintln(c.stdout, "Audit chain: intact.")
		} else {
			fmt.Fprintln(c.stdout, "Audit chain: BROKEN.")
		}
	} else {
		fmt.Fprintln(c.stdout, "Records checked against their fingerprints only: give the passphrase to check their MACs and the audit chain.")
	}
	for _, w := range r.Warnings {
		fmt.Fprintln(c.stdout, "warning:", w)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(c.stdout, "problem (%s): %s\n", p.Kind, p.Message)
	}
	if len(r.Problems) == 0 {
		fmt.Fprintln(c.stdout, "No problems found.")
	}
}

func (c *cli) logCommand() *cobra.Command {
	var limit int
	var ref string
	cmd := leaf{
		use: "log", args: noArgs,
		short: "Show the audit trail, newest first, and whether its hash chain is intact (exit 1 when broken)",
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
