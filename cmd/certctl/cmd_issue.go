package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"certdesk/core/engine"
	"certdesk/core/export"
	"certdesk/core/pki"
)

// issueFlags are issue's options as typed.
type issueFlags struct {
	caName, keyType  string
	name             nameFlags
	emails, dns, ips []string
	days             int
	server           bool
	extra            leafFlags
}

func (c *cli) issueCommand() *cobra.Command {
	var f issueFlags
	cmd := leaf{
		use: "issue --ca NAME (--cn CN [--email E] [--dns D] [--ip IP] | --server --dns NAME... --ip IP...) [--uri URI]... [--usage U] [--profile P]", args: flagsOnly,
		short: "Issue a person (client) certificate, or a server certificate with --server",
		run:   func(cmd *cobra.Command, _ []string) error { return c.issue(cmd, f) },
	}.command()
	caFlag(cmd, &f.caName, "the issuing CA")
	f.name.register(cmd, "common name: the person's name (servers: default the first DNS name)")
	cmd.Flags().StringSliceVar(&f.emails, "email", nil, "e-mail address (repeat or comma-separate for several)")
	cmd.Flags().IntVar(&f.days, "days", pki.DefaultLeafDays, "validity in days")
	keyFlag(cmd, &f.keyType)
	cmd.Flags().BoolVar(&f.server, "server", false, "issue a server certificate (EKU serverAuth)")
	cmd.Flags().StringSliceVar(&f.dns, "dns", nil, "DNS name SAN (servers, or a device's client certificate; repeatable)")
	cmd.Flags().StringSliceVar(&f.ips, "ip", nil, "IP address SAN (servers, or a device's client certificate; repeatable)")
	f.extra.register(cmd)
	return cmd
}

// issue issues the certificate f describes; a key type or validity the
// user did not set is left to the profile (or the default).
func (c *cli) issue(cmd *cobra.Command, f issueFlags) error {
	kt, err := pki.ParseKeyType(f.keyType)
	if err != nil {
		return usageError{err}
	}
	if !f.server && f.name.cn == "" {
		return usageError{errors.New("a person certificate needs --cn NAME (or pass --server for a server certificate)")}
	}
	ipAddrs, err := pki.ParseIPs(f.ips)
	if err != nil {
		return usageError{err}
	}
	if !cmd.Flags().Changed("key") {
		kt = "" // the profile's, or the default
	}
	validity := pki.Validity{Days: f.days}
	if !cmd.Flags().Changed("days") {
		validity.Days = 0
	}
	return c.withCA(f.caName, func(v *engine.Engine, ca engine.CA) error {
		var rec engine.Record
		var err error
		if f.server {
			req := pki.ServerRequest{CommonName: f.name.cn, Organization: f.name.org, OrganizationalUnit: f.name.ou, DNSNames: f.dns, IPAddresses: ipAddrs, KeyType: kt, Validity: validity}
			if err := f.extra.server(&req); err != nil {
				return usageError{err}
			}
			rec, err = v.IssueServerWith(c.ctx, ca, f.extra.profile, req)
		} else {
			req := pki.PersonRequest{Name: f.name.name(), Emails: f.emails, DNSNames: f.dns, IPAddresses: ipAddrs, KeyType: kt, Validity: validity}
			if err := f.extra.person(&req); err != nil {
				return usageError{err}
			}
			rec, err = v.IssuePersonWith(c.ctx, ca, f.extra.profile, req)
		}
		if err != nil {
			return err
		}
		return c.printIssued(v, rec)
	})
}

func (c *cli) signCommand() *cobra.Command {
	var caName, csrFile string
	var days int
	var server bool
	cmd := leaf{
		use: "sign --ca NAME --csr FILE [--days N] [--server]", args: flagsOnly,
		short: "Sign a CSR with our client profile (or the server profile with --server); its requested extensions are not copied",
		run: func(*cobra.Command, []string) error {
			if csrFile == "" {
				return errNoCSR
			}
			profile := pki.ClientProfile
			if server {
				profile = pki.ServerProfile
			}
			return c.withCSR(caName, csrFile, func(v *engine.Engine, ca engine.CA, csr []byte) error {
				rec, err := v.SignRequest(c.ctx, ca, csr, profile, pki.Validity{Days: days})
				if err != nil {
					return fmt.Errorf("%s: %w", csrFile, err)
				}
				return c.printIssued(v, rec)
			})
		},
	}.command()
	caFlag(cmd, &caName, "the signing CA")
	cmd.Flags().StringVar(&csrFile, "csr", "", "the certificate signing request (PEM or DER)")
	cmd.Flags().IntVar(&days, "days", pki.DefaultLeafDays, "validity in days")
	cmd.Flags().BoolVar(&server, "server", false, "sign with the server profile (EKU serverAuth, DNS/IP SANs)")
	return cmd
}

// errNoCSR refuses a signing command called without --csr.
var errNoCSR = usageError{errors.New("give the request with --csr FILE")}

// withCSR reads the request in file and runs fn with it and the CA named
// caName (or the only one) of the unlocked vault.
func (c *cli) withCSR(caName, file string, fn func(v *engine.Engine, ca engine.CA, csr []byte) error) error {
	data, err := readInput(file)
	if err != nil {
		return err
	}
	return c.withCA(caName, func(v *engine.Engine, ca engine.CA) error { return fn(v, ca, data) })
}

func (c *cli) printIssued(v *engine.Engine, rec engine.Record) error {
	info, err := c.fullInfo(v, rec)
	if err != nil {
		return err
	}
	if c.jsonOut {
		return c.printJSON(info)
	}
	fmt.Fprintf(c.stdout, "Issued certificate %d.\n", rec.ID)
	printInfo(c.stdout, info)
	fmt.Fprintf(c.stdout, "\nExport it with: certctl export %d --format p12 --out %s.p12\n", rec.ID, export.FileStem(rec.CommonName))
	return nil
}
