package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
)

func (c *cli) listCommand() *cobra.Command {
	var caName, status, search, sortBy string
	var days, limit int
	cmd := leaf{
		use: "list [--ca NAME] [--status valid|expiring|expired|not_yet_valid|revoked] [--search TEXT]", args: flagsOnly,
		short: "List certificates",
		run: func(*cobra.Command, []string) error {
			f := engine.Filter{Status: certinfo.Status(status), Search: search, Sort: engine.SortKey(sortBy), Limit: limit}
			if days > 0 {
				f.ExpiringWithin = time.Duration(days) * 24 * time.Hour
			}
			return c.withVault(func(v *engine.Engine) error { return c.list(v, f, caName) })
		},
	}.command()
	cmd.Flags().StringVar(&caName, "ca", "", "only this CA's certificates")
	cmd.Flags().StringVar(&status, "status", "", "only this status: valid, expiring, expired, not_yet_valid, revoked")
	cmd.Flags().IntVar(&days, "days", 0, "with --status expiring: the window in days (default 30)")
	cmd.Flags().StringVar(&search, "search", "", "text in the name, e-mail, DNS name, serial or fingerprint")
	cmd.Flags().StringVar(&sortBy, "sort", "id", "sort by id, common_name, not_after, created_at, key_type, serial or status")
	cmd.Flags().IntVar(&limit, "limit", 0, "at most this many rows")
	return cmd
}

// list prints the certificates f (and the CA named caName, if any) selects,
// as JSON or as a table; a filter the vault cannot apply is a usage error.
func (c *cli) list(v *engine.Engine, f engine.Filter, caName string) error {
	if caName != "" {
		ca, err := v.CAByName(c.ctx, caName)
		if err != nil {
			return err
		}
		f.CAID = ca.ID
	}
	now := v.Now()
	query := func(ctx context.Context) ([]engine.Record, error) {
		recs, err := v.List(ctx, f)
		if err != nil {
			return nil, usageError{err}
		}
		return recs, nil
	}
	return showList(c, query, listing[engine.Record]{
		json: func(r engine.Record) any {
			info := r.Info(now)
			if info.Revocation != nil {
				info.Revocation.By, _ = v.RevokedBy(c.ctx, r.ID)
			}
			return info
		},
		empty:  "No certificates match.",
		header: "ID\tSTATUS\tKIND\tCOMMON NAME\tCA\tEXPIRES\tSERIAL\tREVOKED",
		line:   func(r engine.Record) string { return c.recordLine(v, r, now) },
	})
}

// recordLine is a certificate's row in the list, its status as of now.
func (c *cli) recordLine(v *engine.Engine, r engine.Record, now time.Time) string {
	revoked := ""
	if r.Revoked() {
		by, _ := v.RevokedBy(c.ctx, r.ID)
		revoked = fmt.Sprintf("%s %s by %s", r.RevokedAt.Format("2006-01-02"), engine.ReasonName(r.RevocationReason), by)
	}
	return fmt.Sprintf("%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s", r.ID, r.Status(now), r.Kind, clip(r.CommonName, maxNameRunes),
		clip(r.CAName, maxNameRunes), r.NotAfter.Format("2006-01-02"), r.Serial, clip(revoked, maxLineRunes))
}

func (c *cli) showCommand() *cobra.Command {
	return leaf{use: "show REF", args: exactArgs(1, "one REF"),
		short: "Show one certificate (REF: id, serial, fingerprint or prefix, common name, or CA name)",
		run: c.reading(func(v *engine.Engine, args []string) error {
			rec, err := v.Find(c.ctx, args[0])
			if err != nil {
				return err
			}
			info, err := c.fullInfo(v, rec)
			if err != nil {
				return err
			}
			c.warnCRL(rec.CAName, info.CRL)
			return c.printOr(info, func() { printInfo(c.stdout, info) })
		})}.command()
}

// warnCRL tells on stderr when a CA's CRL is about to expire or has: an
// expired CRL locks every client out of servers that use it.
func (c *cli) warnCRL(caName string, s *certinfo.CRLState) {
	if s != nil && (s.State == "expiring" || s.State == "expired") {
		fmt.Fprintf(c.stderr, "warning: CA %q: CRL %s\n", caName, crlStateText(s))
	}
}

// fullInfo describes a vault certificate in full.
func (c *cli) fullInfo(v *engine.Engine, rec engine.Record) (certinfo.Info, error) {
	return v.Describe(c.ctx, rec.ID)
}
