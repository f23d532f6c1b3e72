package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"certdesk/core/engine"
)

func (c *cli) checkCommand() *cobra.Command {
	var quick bool
	cmd := leaf{
		use:   "check",
		short: "Check the vault: SQLite's integrity check, every record against its fingerprint and MAC, the audit chain (exit 1 on any problem)",
		long: `Check the vault file and every record in it.

It runs SQLite's integrity_check (--quick: quick_check), checks every
certificate against its stored SHA-256 fingerprint, and, with the passphrase,
every certificate, CA, revocation list and deny-list entry against its MAC,
each CA certificate against its private key, and the audit trail's hash
chain. Without the passphrase (none in --passphrase-file, $CERTDESK_PASSPHRASE
or a terminal) only what needs no key is checked, and it says so.
Exit 0: no problem; 1: problems (each named) or the check could not run.`,
		args: noArgs,
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

// withReadableVault opens the vault as openForReading does, runs fn with
// why its keys stayed locked (nil when they did not), and closes it.
func (c *cli) withReadableVault(fn func(v *engine.Engine, locked error) error) error {
	v, locked, err := c.openForReading()
	if err != nil {
		return err
	}
	defer v.Close()
	return fn(v, locked)
}

// openForReading opens the vault and unlocks it when it can: an insecure
// vault always, a protected one when a passphrase is at hand. A vault
// whose key material is damaged stays locked; the error says why.
func (c *cli) openForReading() (*engine.Engine, error, error) {
	v, err := c.openVault()
	if err != nil {
		return nil, nil, err
	}
	var pass []byte
	if !v.Insecure() {
		if pass, err = c.passphrase(false); err != nil {
			fmt.Fprintf(c.stderr, "note: %v; checking without it (fingerprints only, no MACs, no audit chain)\n", err)
			return v, nil, nil
		}
	} else if pass, err = c.givenPassphrase(); err != nil {
		v.Close()
		return nil, nil, err
	}
	if err := unlockOrExplain(v, pass, "nothing was checked"); err != nil {
		if errors.Is(err, engine.ErrDamaged) {
			return v, err, nil
		}
		v.Close()
		return nil, nil, err
	}
	return v, nil, nil
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

// openForTrust opens the vault for a command that hands out certificates
// or trust without needing a private key (export of certificates, verify
// --ca). It unlocks the vault when that costs no prompt (an insecure vault,
// or a passphrase in --passphrase-file or $CERTDESK_PASSPHRASE), so that
// records are authenticated by their MACs; otherwise it says on stderr that
// they are checked against their fingerprints only.
func (c *cli) openForTrust() (*engine.Engine, error) {
	v, err := c.openVault()
	if err != nil {
		return nil, err
	}
	if v.Unlocked() {
		return v, nil
	}
	pass, err := c.givenPassphrase()
	if err == nil && pass != nil {
		if err := unlockOrExplain(v, pass, ""); err != nil {
			v.Close()
			return nil, err
		}
		return v, nil
	}
	fmt.Fprintln(c.stderr, "note: no passphrase given, so the vault's records were checked against their fingerprints only, not authenticated; set CERTDESK_PASSPHRASE or --passphrase-file to authenticate them")
	return v, nil
}
