package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
	"certdesk/core/pki"
)

func (c *cli) profileCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "profile", Short: "Manage issuance profiles (saved defaults for issue)"}
	asGroup(cmd)
	cmd.AddCommand(c.profileAddCommand(), c.profileListCommand(), c.profileRemoveCommand(), c.profileDefaultCommand())
	return cmd
}

func (c *cli) profileAddCommand() *cobra.Command {
	var keyType, org, ou, usage string
	var subject subjectFlags
	var days int
	var sans []string
	var replace bool
	cmd := &cobra.Command{
		Use:   "add NAME [--key TYPE] [--days N] [--org O] [--ou OU] [--country C ...] [--san email,dns,ip,uri] [--usage client|server|client+server]",
		Short: "Save an issuance profile: key type, days, subject defaults, the SAN kinds allowed, the EKU set",
		Args:  exactArgs(1, "the profile's NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			p := engine.Profile{Name: args[0], Days: days, Org: org, OrgUnit: ou, Subject: subject.subject(), SANKinds: sans}
			if keyType != "" {
				kt, err := pki.ParseKeyType(keyType)
				if err != nil {
					return usageError{err}
				}
				p.KeyType = kt
			}
			u, err := pki.ParseUsage(usage)
			if err != nil {
				return usageError{err}
			}
			p.Usage = u
			if err := p.Validate(); err != nil {
				return usageError{err}
			}
			v, err := c.unlockVault()
			if err != nil {
				return err
			}
			defer v.Close()
			if err := v.SaveProfile(c.ctx, p, replace); err != nil {
				return err
			}
			if c.jsonOut {
				return c.printJSON(p)
			}
			fmt.Fprintf(c.stdout, "Profile %q saved. Use it with: certctl issue --profile %s ...\n", p.Name, shellQuote(p.Name))
			return nil
		},
	}
	cmd.Flags().StringVar(&keyType, "key", "", "key type (default: Certdesk's, ecdsa-p256)")
	cmd.Flags().IntVar(&days, "days", 0, "validity in days (default: Certdesk's, 365)")
	cmd.Flags().StringVar(&org, "org", "", "organization (O) when a request gives none")
	cmd.Flags().StringVar(&ou, "ou", "", "organizational unit (OU) when a request gives none")
	subject.register(cmd)
	cmd.Flags().StringSliceVar(&sans, "san", nil, "SAN kinds allowed: email, dns, ip, uri (default: any)")
	cmd.Flags().StringVar(&usage, "usage", "", "extended key usage: client, server or client+server")
	cmd.Flags().BoolVar(&replace, "replace", false, "replace a profile of the same name")
	return cmd
}

func (c *cli) profileListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the issuance profiles",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withVault(func(v *engine.Engine) error {
				ps, err := v.Profiles(c.ctx)
				if err != nil {
					return err
				}
				if c.jsonOut {
					if ps == nil {
						ps = []engine.Profile{}
					}
					return c.printJSON(ps)
				}
				if len(ps) == 0 {
					fmt.Fprintln(c.stdout, "No profile yet. Save one with: certctl profile add NAME ...")
					return nil
				}
				w := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "NAME\tKEY\tDAYS\tUSAGE\tSANS\tSUBJECT")
				for _, p := range ps {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", certinfo.Clean(p.Name), orDefault(string(p.KeyType)), orDefault(fmt.Sprint(p.Days)),
						orDefault(string(p.Usage)), orAny(strings.Join(p.SANKinds, ",")), profileSubject(p))
				}
				return w.Flush()
			})
		},
	}
}

func orDefault(s string) string {
	if s == "" || s == "0" {
		return "default"
	}
	return s
}

func orAny(s string) string {
	if s == "" {
		return "any"
	}
	return s
}

func profileSubject(p engine.Profile) string {
	var parts []string
	for _, f := range []struct{ k, v string }{{"O", p.Org}, {"OU", p.OrgUnit}, {"C", p.Subject.Country}, {"ST", p.Subject.State}, {"L", p.Subject.Locality}} {
		if f.v != "" {
			parts = append(parts, f.k+"="+certinfo.Clean(f.v))
		}
	}
	return strings.Join(parts, ", ")
}

func (c *cli) profileRemoveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove an issuance profile",
		Args:  exactArgs(1, "the profile's NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withUnlockedVault(func(v *engine.Engine) error {
				if err := v.RemoveProfile(c.ctx, args[0]); err != nil {
					return err
				}
				if !c.jsonOut {
					fmt.Fprintf(c.stdout, "Profile %q removed.\n", args[0])
				}
				return nil
			})
		},
	}
}

func (c *cli) profileDefaultCommand() *cobra.Command {
	var caName string
	var none bool
	cmd := &cobra.Command{
		Use:   "default --ca CA (NAME | --none)",
		Short: "Make a profile the CA's default for issue (or clear it with --none)",
		Args: func(cmd *cobra.Command, args []string) error {
			if none == (len(args) == 1) || len(args) > 1 {
				return usageError{errors.New("give a profile NAME, or --none to clear the CA's default")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			v, ca, err := c.unlockCA(caName)
			if err != nil {
				return err
			}
			defer v.Close()
			name := ""
			if !none {
				name = args[0]
			}
			if err := v.SetDefaultProfile(c.ctx, ca, name); err != nil {
				return err
			}
			if !c.jsonOut {
				if none {
					fmt.Fprintf(c.stdout, "CA %q has no default profile.\n", ca.Name)
				} else {
					fmt.Fprintf(c.stdout, "CA %q issues with profile %q unless --profile says otherwise.\n", ca.Name, name)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&caName, "ca", "", "the CA (may be left out when the vault has one CA)")
	cmd.Flags().BoolVar(&none, "none", false, "clear the CA's default profile")
	return cmd
}
