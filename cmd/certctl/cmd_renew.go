package main

import (
	"cmp"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
	"certdesk/core/export"
	"certdesk/core/pki"
)

// renewFlags are renew's options as typed.
type renewFlags struct {
	revokeOld, keepKey bool
	days, expiring     int
	seen               int64
	keyType, caName    string
}

func (c *cli) renewCommand() *cobra.Command {
	var f renewFlags
	cmd := leaf{
		use: "renew (REF [--if-version N] | --expiring DAYS) [--revoke-old] [--days N] [--key TYPE | --keep-key]", args: oneArgOrFlag(func() bool { return f.expiring > 0 }, "give one REF, or --expiring DAYS"),
		short: "Issue a new certificate (new key, or --keep-key) for the same person or server; --expiring renews every one that expires within DAYS",
		run:   func(_ *cobra.Command, args []string) error { return c.runRenew(f, args) },
	}.command()
	cmd.Flags().BoolVar(&f.revokeOld, "revoke-old", false, "revoke the old certificate as superseded")
	cmd.Flags().IntVar(&f.days, "days", 0, "validity of the new certificate (default: the old one's lifetime)")
	cmd.Flags().StringVar(&f.keyType, "key", "", "key type of the new key (default: the old one's)")
	cmd.Flags().BoolVar(&f.keepKey, "keep-key", false, "sign the same key again (the holder keeps their key; also renews certificates signed from a CSR)")
	cmd.Flags().IntVar(&f.expiring, "expiring", 0, "renew every certificate that expires within this many days")
	cmd.Flags().StringVar(&f.caName, "ca", "", "with --expiring: only this CA's certificates")
	cmd.Flags().Int64Var(&f.seen, "if-version", 0, ifVersionHelp)
	return cmd
}

func (c *cli) runRenew(f renewFlags, args []string) error {
	var kt pki.KeyType
	if f.keyType != "" && f.keepKey {
		return usageError{errors.New("--key makes a new key; --keep-key keeps the old one: give one of them")}
	}
	if f.keyType != "" {
		var err error
		if kt, err = pki.ParseKeyType(f.keyType); err != nil {
			return usageError{err}
		}
	}
	return c.withUnlockedVault(func(v *engine.Engine) error {
		targets, err := c.renewTargets(v, f, args)
		if err != nil {
			return err
		}
		results, err := v.RenewAll(c.ctx, targets, engine.RenewOptions{Days: f.days, KeyType: kt, RevokeOld: f.revokeOld, KeepKey: f.keepKey}, nil)
		if err != nil {
			return err
		}
		return c.reportRenewals(v, results, f)
	})
}

// renewTargets are the certificates a renew names: one REF, or every one
// that expires within --expiring days.
func (c *cli) renewTargets(v *engine.Engine, f renewFlags, args []string) ([]engine.Record, error) {
	if f.expiring == 0 {
		r, err := v.Find(c.ctx, args[0])
		r.Version = cmp.Or(f.seen, r.Version)
		return []engine.Record{r}, err
	}
	var ca engine.CA
	if f.caName != "" {
		var err error
		if ca, err = v.CAByName(c.ctx, f.caName); err != nil {
			return nil, err
		}
	}
	return v.RenewalCandidates(c.ctx, ca, time.Duration(f.expiring)*24*time.Hour, f.keepKey)
}

func (c *cli) reportRenewals(v *engine.Engine, results []engine.Renewal, f renewFlags) error {
	renewed := []certinfo.Info{}
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
			fmt.Fprintf(c.stderr, "certctl: %q: %v\n", r.Old.CommonName, r.Err)
			continue
		}
		n := r.New
		renewed = append(renewed, n.Info(v.Now()))
		if !c.jsonOut {
			fmt.Fprintf(c.stdout, "Renewed %q: new certificate %d (serial %s, until %s)%s.\n", n.CommonName, n.ID, n.Serial,
				n.NotAfter.Format("2006-01-02"), map[bool]string{true: "; the old one is revoked as superseded", false: ""}[f.revokeOld])
		}
	}
	if c.jsonOut {
		c.printJSON(renewed)
	} else if len(results) == 0 {
		fmt.Fprintf(c.stdout, "Nothing expires within %d days.\n", f.expiring)
	}
	if failed > 0 {
		return exitCodeError{code: exitError, err: fmt.Errorf("%d of %d renewals failed", failed, len(results))}
	}
	return nil
}

func (c *cli) reminderCommand() *cobra.Command {
	var out outFlags
	var before int
	cmd := leaf{
		use: "reminder REF --out FILE.ics [--days-before N]", args: exactArgs(1, "one REF"),
		short: "Write a calendar reminder (.ics) for when a certificate or CA expires",
		run: func(_ *cobra.Command, args []string) error {
			if out.path == "" {
				return usageError{errors.New("say where to write with --out FILE.ics")}
			}
			return c.withVault(func(v *engine.Engine) error {
				r, err := v.Find(c.ctx, args[0])
				if err != nil {
					return err
				}
				data := export.Reminder(r.CommonName, r.Serial, r.FingerprintSHA256, r.NotAfter, before, v.Now())
				if err := export.WriteFile(out.path, data, false, out.force); err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "Wrote %s: %q expires on %s; the reminder fires %d days before.\n", out.path, r.CommonName, r.NotAfter.Format("2006-01-02"), before)
				return nil
			})
		},
	}.command()
	out.register(cmd, "the .ics file to write")
	cmd.Flags().IntVar(&before, "days-before", 30, "days before expiry that the reminder fires")
	return cmd
}
