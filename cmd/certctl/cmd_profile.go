package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
	"certdesk/core/pki"
)

// profileFlags are profile add's options as typed.
type profileFlags struct {
	keyType, org, ou, usage string
	subject                 subjectFlags
	days                    int
	sans                    []string
	replace                 bool
}

// profile is the profile f describes, checked.
func (f *profileFlags) profile(name string) (engine.Profile, error) {
	p := engine.Profile{Name: name, Days: f.days, Org: f.org, OrgUnit: f.ou, Subject: f.subject.subject(), SANKinds: f.sans}
	if f.keyType != "" {
		kt, err := pki.ParseKeyType(f.keyType)
		if err != nil {
			return p, err
		}
		p.KeyType = kt
	}
	u, err := pki.ParseUsage(f.usage)
	if err != nil {
		return p, err
	}
	p.Usage = u
	return p, p.Validate()
}

func (c *cli) profileAddCommand() *cobra.Command {
	var f profileFlags
	cmd := leaf{
		use: "add NAME [--key TYPE] [--days N] [--org O] [--ou OU] [--country C ...] [--san email,dns,ip,uri] [--usage client|server|client+server]", args: exactArgs(1, "the profile's NAME"),
		short: "Save an issuance profile: key type, days, subject defaults, the SAN kinds allowed, the EKU set",
		run: func(_ *cobra.Command, args []string) error {
			p, err := f.profile(args[0])
			if err != nil {
				return usageError{err}
			}
			return c.withUnlockedVault(func(v *engine.Engine) error {
				if err := v.SaveProfile(c.ctx, p, f.replace); err != nil {
					return err
				}
				return c.reportf(p, "Profile %q saved. Use it with: certctl issue --profile %s ...\n", p.Name, shellQuote(p.Name))
			})
		},
	}.command()
	cmd.Flags().StringVar(&f.keyType, "key", "", "key type (default: Certdesk's, ecdsa-p256)")
	cmd.Flags().IntVar(&f.days, "days", 0, "validity in days (default: Certdesk's, 365)")
	cmd.Flags().StringVar(&f.org, "org", "", "organization (O) when a request gives none")
	cmd.Flags().StringVar(&f.ou, "ou", "", "organizational unit (OU) when a request gives none")
	f.subject.register(cmd)
	cmd.Flags().StringSliceVar(&f.sans, "san", nil, "SAN kinds allowed: email, dns, ip, uri (default: any)")
	cmd.Flags().StringVar(&f.usage, "usage", "", "extended key usage: client, server or client+server")
	cmd.Flags().BoolVar(&f.replace, "replace", false, "replace a profile of the same name")
	return cmd
}

func (c *cli) profileListCommand() *cobra.Command {
	return leaf{use: "list", args: noArgs,
		short: "List the issuance profiles",
		run: c.reading(func(v *engine.Engine, _ []string) error {
			return showList(c, v.Profiles, listing[engine.Profile]{
				json:   func(p engine.Profile) any { return p },
				empty:  "No profile yet. Save one with: certctl profile add NAME ...",
				header: "NAME\tKEY\tDAYS\tUSAGE\tSANS\tSUBJECT",
				line: func(p engine.Profile) string {
					return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s", certinfo.Clean(p.Name), orDefault(string(p.KeyType)), orDefault(fmt.Sprint(p.Days)),
						orDefault(string(p.Usage)), orAny(strings.Join(p.SANKinds, ",")), profileSubject(p))
				},
			})
		})}.command()
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
	return leaf{use: "remove NAME", args: exactArgs(1, "the profile's NAME"),
		short: "Remove an issuance profile",
		run: c.unlocked(func(v *engine.Engine, args []string) error {
			if err := v.RemoveProfile(c.ctx, args[0]); err != nil {
				return err
			}
			c.sayf("Profile %q removed.\n", args[0])
			return nil
		})}.command()
}

func (c *cli) profileDefaultCommand() *cobra.Command {
	var caName string
	var none bool
	cmd := leaf{
		use: "default --ca CA (NAME | --none)", args: oneArgOrFlag(func() bool { return none }, "give a profile NAME, or --none to clear the CA's default"),
		short: "Make a profile the CA's default for issue (or clear it with --none)",
		run: func(_ *cobra.Command, args []string) error {
			return c.withCA(caName, func(v *engine.Engine, ca engine.CA) error {
				name := ""
				if !none {
					name = args[0]
				}
				if err := v.SetDefaultProfile(c.ctx, ca, name); err != nil {
					return err
				}
				if none {
					c.sayf("CA %q has no default profile.\n", ca.Name)
				} else {
					c.sayf("CA %q issues with profile %q unless --profile says otherwise.\n", ca.Name, name)
				}
				return nil
			})
		},
	}.command()
	caFlag(cmd, &caName, "the CA")
	cmd.Flags().BoolVar(&none, "none", false, "clear the CA's default profile")
	return cmd
}
