package main

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
	"certdesk/core/pki"
)

func (c *cli) caCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "ca", Short: "Create, import and list certificate authorities"}
	asGroup(cmd)
	cmd.AddCommand(c.caCreateCommand(), c.caImportCommand(), c.caListCommand(),
		c.caInstallCertCommand(), c.caSignIntermediateCommand(), c.caPendingCommand(), c.caTreeCommand())
	return cmd
}

func (c *cli) caImportCommand() *cobra.Command {
	var certFile, keyFile, p12File, passwordFile string
	cmd := &cobra.Command{
		Use:   "import NAME (--cert FILE --key FILE | --p12 FILE | --cert FILE)",
		Short: "Import an existing CA with its private key (PEM, encrypted PKCS#8, traditional PEM, or PKCS#12), or trust one by its certificate alone",
		Long: `import brings in a CA Certdesk then runs: its certificate and key (--cert and
--key, or --p12). With --cert alone the CA is trust-only: the test server and
verify trust it, but it cannot issue or sign CRLs. A self-signed client
certificate can be trusted this way too.`,
		Args: exactArgs(1, "the CA's NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (p12File == "") == (certFile == "") || (p12File != "" && keyFile != "") {
				return usageError{errors.New("give --cert and --key, or --p12, or --cert alone to trust the CA without its key")}
			}
			if keyFile == "" && p12File == "" {
				return c.trustCA(args[0], certFile)
			}
			var password []byte
			if passwordFile != "" {
				var err error
				if password, err = readSecretFile(passwordFile); err != nil {
					return err
				}
			}
			v, err := c.unlockVault()
			if err != nil {
				return err
			}
			defer v.Close()
			files := engine.CAFiles{CertFile: certFile, KeyFile: keyFile, P12File: p12File, Password: password}
			ca, warnings, err := v.ImportCA(c.ctx, args[0], files)
			if errors.Is(err, engine.ErrPasswordNeeded) && password == nil {
				if files.Password, err = c.askPassword("Password of the key: "); err != nil {
					return err
				}
				ca, warnings, err = v.ImportCA(c.ctx, args[0], files)
			}
			if err != nil {
				return err
			}
			for _, w := range warnings {
				fmt.Fprintln(c.stderr, "warning:", w)
			}
			return c.printCA(ca, warnings)
		},
	}
	cmd.Flags().StringVar(&certFile, "cert", "", "the CA certificate (PEM or DER; more certificates after it are kept as its chain)")
	cmd.Flags().StringVar(&keyFile, "key", "", "the CA private key (PEM or DER, plain or encrypted)")
	cmd.Flags().StringVar(&p12File, "p12", "", "a PKCS#12 file holding the CA certificate and key")
	cmd.Flags().StringVar(&passwordFile, "password-file", "", "password of the key or PKCS#12 file (asked on the terminal if needed)")
	return cmd
}

// trustCA stores a CA's certificate without a key.
func (c *cli) trustCA(name, certFile string) error {
	v, err := c.unlockVault()
	if err != nil {
		return err
	}
	defer v.Close()
	ca, err := v.TrustCA(c.ctx, name, certFile)
	if err != nil {
		return err
	}
	if !c.jsonOut {
		fmt.Fprintf(c.stderr, "CA %q is trust-only: the test server and verify trust it; it cannot issue.\n", ca.Name)
	}
	return c.printCA(ca, nil)
}

func (c *cli) askPassword(label string) ([]byte, error) {
	if c.prompt == nil {
		return nil, fmt.Errorf("%w: pass --password-file", pki.ErrPasswordNeeded)
	}
	return c.prompt(label)
}

func (c *cli) caListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the vault's CAs",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withVault(func(v *engine.Engine) error {
				cas, err := v.CAs(c.ctx)
				if err != nil {
					return err
				}
				now := v.Now()
				if c.jsonOut {
					out := make([]caJSON, 0, len(cas))
					for _, ca := range cas {
						out = append(out, c.caJSON(v, ca, nil))
					}
					return c.printJSON(out)
				}
				if len(cas) == 0 {
					fmt.Fprintln(c.stdout, "No CA yet. Create one with: certctl ca create NAME")
					return nil
				}
				w := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "NAME\tCOMMON NAME\tKEY\tEXPIRES\tCERTIFICATES\tCRL")
				for _, ca := range cas {
					c.warnCRL(ca.Name, certinfo.NewCRLState(ca.CRLNumber, ca.CRLNextUpdate, now))
					n, _ := v.IssuedCount(c.ctx, ca)
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\n", clip(ca.Name, maxNameRunes), clip(ca.Cert.CommonName, maxNameRunes), ca.Cert.KeyType,
						ca.Cert.NotAfter.Format("2006-01-02"), n, crlState(ca, now))
				}
				return w.Flush()
			})
		},
	}
}

type caJSON struct {
	Name          string        `json:"name"`
	Certificate   certinfo.Info `json:"certificate"`
	Certificates  int           `json:"certificates"`
	CRLNumber     int64         `json:"crl_number"`
	CRLNextUpdate *string       `json:"crl_next_update"`
	CanSignCRL    bool          `json:"can_sign_crl"`
	Warnings      []string      `json:"warnings,omitempty"`
}

func (c *cli) caJSON(v *engine.Engine, ca engine.CA, warnings []string) caJSON {
	n, _ := v.IssuedCount(c.ctx, ca)
	out := caJSON{Name: ca.Name, Certificate: ca.Cert.Info(v.Now()), Certificates: n, CRLNumber: ca.CRLNumber, Warnings: warnings}
	out.CanSignCRL = v.CanSignCRL(c.ctx, ca) == nil
	if !ca.CRLNextUpdate.IsZero() {
		s := ca.CRLNextUpdate.Format("2006-01-02T15:04:05Z07:00")
		out.CRLNextUpdate = &s
	}
	return out
}

func (c *cli) printCA(ca engine.CA, warnings []string) error {
	v, err := c.openVault()
	if err != nil {
		return err
	}
	defer v.Close()
	if c.jsonOut {
		return c.printJSON(c.caJSON(v, ca, warnings))
	}
	fmt.Fprintf(c.stdout, "CA %q ready.\n", ca.Name)
	info, err := v.Describe(c.ctx, ca.CertID)
	if err != nil {
		return err
	}
	printInfo(c.stdout, info)
	return nil
}
