package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"certdesk/core/engine"
	"certdesk/core/export"
	"certdesk/core/pki"
)

func (c *cli) issueCommand() *cobra.Command {
	var caName, cn, org, ou, keyType string
	var emails, dns, ips []string
	var days int
	var server bool
	var extra leafFlags
	cmd := &cobra.Command{
		Use:   "issue --ca NAME (--cn CN [--email E] [--dns D] [--ip IP] | --server --dns NAME... --ip IP...) [--uri URI]... [--usage U] [--profile P]",
		Short: "Issue a person (client) certificate, or a server certificate with --server",
		Args:  exactArgs(0, "no arguments (use flags)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			kt, err := pki.ParseKeyType(keyType)
			if err != nil {
				return usageError{err}
			}
			if !server && cn == "" {
				return usageError{errors.New("a person certificate needs --cn NAME (or pass --server for a server certificate)")}
			}
			ipAddrs, err := pki.ParseIPs(ips)
			if err != nil {
				return usageError{err}
			}
			v, ca, err := c.unlockCA(caName)
			if err != nil {
				return err
			}
			defer v.Close()
			validity := pki.Validity{Days: days}
			var rec engine.Record
			if !cmd.Flags().Changed("key") {
				kt = "" // the profile's, or the default
			}
			if !cmd.Flags().Changed("days") {
				validity.Days = 0
			}
			if server {
				req := pki.ServerRequest{CommonName: cn, Organization: org, OrganizationalUnit: ou, DNSNames: dns, IPAddresses: ipAddrs, KeyType: kt, Validity: validity}
				if err := extra.server(&req); err != nil {
					return usageError{err}
				}
				rec, err = v.IssueServerWith(c.ctx, ca, extra.profile, req)
			} else {
				req := pki.PersonRequest{Name: pki.Name{CommonName: cn, Organization: org, OrganizationalUnit: ou}, Emails: emails,
					DNSNames: dns, IPAddresses: ipAddrs, KeyType: kt, Validity: validity}
				if err := extra.person(&req); err != nil {
					return usageError{err}
				}
				rec, err = v.IssuePersonWith(c.ctx, ca, extra.profile, req)
			}
			if err != nil {
				return err
			}
			return c.printIssued(v, rec)
		},
	}
	cmd.Flags().StringVar(&caName, "ca", "", "the issuing CA (may be left out when the vault has one CA)")
	cmd.Flags().StringVar(&cn, "cn", "", "common name: the person's name (servers: default the first DNS name)")
	cmd.Flags().StringSliceVar(&emails, "email", nil, "e-mail address (repeat or comma-separate for several)")
	cmd.Flags().StringVar(&org, "org", "", "organization (O)")
	cmd.Flags().StringVar(&ou, "ou", "", "organizational unit (OU)")
	cmd.Flags().IntVar(&days, "days", pki.DefaultLeafDays, "validity in days")
	cmd.Flags().StringVar(&keyType, "key", string(pki.DefaultKeyType), "key type: ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096, ed25519")
	cmd.Flags().BoolVar(&server, "server", false, "issue a server certificate (EKU serverAuth)")
	cmd.Flags().StringSliceVar(&dns, "dns", nil, "DNS name SAN (servers, or a device's client certificate; repeatable)")
	cmd.Flags().StringSliceVar(&ips, "ip", nil, "IP address SAN (servers, or a device's client certificate; repeatable)")
	extra.register(cmd)
	return cmd
}

func (c *cli) signCommand() *cobra.Command {
	var caName, csrFile string
	var days int
	var server bool
	cmd := &cobra.Command{
		Use:   "sign --ca NAME --csr FILE [--days N] [--server]",
		Short: "Sign a CSR with our client profile (or the server profile with --server); its requested extensions are not copied",
		Args:  exactArgs(0, "no arguments (use flags)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if csrFile == "" {
				return usageError{errors.New("give the request with --csr FILE")}
			}
			data, err := readInput(csrFile)
			if err != nil {
				return err
			}
			v, ca, err := c.unlockCA(caName)
			if err != nil {
				return err
			}
			defer v.Close()
			profile := pki.ClientProfile
			if server {
				profile = pki.ServerProfile
			}
			rec, err := v.SignRequest(c.ctx, ca, data, profile, pki.Validity{Days: days})
			if err != nil {
				return fmt.Errorf("%s: %w", csrFile, err)
			}
			return c.printIssued(v, rec)
		},
	}
	cmd.Flags().StringVar(&caName, "ca", "", "the signing CA (may be left out when the vault has one CA)")
	cmd.Flags().StringVar(&csrFile, "csr", "", "the certificate signing request (PEM or DER)")
	cmd.Flags().IntVar(&days, "days", pki.DefaultLeafDays, "validity in days")
	cmd.Flags().BoolVar(&server, "server", false, "sign with the server profile (EKU serverAuth, DNS/IP SANs)")
	return cmd
}

func (c *cli) pickCA(v *engine.Engine, name string) (engine.CA, error) {
	if name == "" {
		return v.DefaultCA(c.ctx)
	}
	return v.CAByName(c.ctx, name)
}

// unlockCA unlocks the vault and picks the CA by name (or the only one);
// the caller closes the engine.
func (c *cli) unlockCA(name string) (*engine.Engine, engine.CA, error) {
	v, err := c.unlockVault()
	if err != nil {
		return nil, engine.CA{}, err
	}
	ca, err := c.pickCA(v, name)
	if err != nil {
		v.Close()
		return nil, engine.CA{}, err
	}
	return v, ca, nil
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
