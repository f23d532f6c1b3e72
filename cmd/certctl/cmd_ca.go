package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
	"certdesk/core/pki"
)

// caImportFlags are ca import's options as typed.
type caImportFlags struct{ certFile, keyFile, p12File, passwordFile string }

func (c *cli) caImportCommand() *cobra.Command {
	var f caImportFlags
	cmd := leaf{
		use: "import NAME (--cert FILE --key FILE | --p12 FILE | --cert FILE)", args: exactArgs(1, "the CA's NAME"),
		short: "Import an existing CA with its private key (PEM, encrypted PKCS#8, traditional PEM, or PKCS#12), or trust one by its certificate alone",
		long: `import brings in a CA Certdesk then runs: its certificate and key (--cert and
--key, or --p12). With --cert alone the CA is trust-only: the test server and
verify trust it, but it cannot issue or sign CRLs. A self-signed client
certificate can be trusted this way too.`,
		run: func(_ *cobra.Command, args []string) error { return c.importCA(args[0], f) },
	}.command()
	cmd.Flags().StringVar(&f.certFile, "cert", "", "the CA certificate (PEM or DER; more certificates after it are kept as its chain)")
	cmd.Flags().StringVar(&f.keyFile, "key", "", "the CA private key (PEM or DER, plain or encrypted)")
	cmd.Flags().StringVar(&f.p12File, "p12", "", "a PKCS#12 file holding the CA certificate and key")
	cmd.Flags().StringVar(&f.passwordFile, "password-file", "", "password of the key or PKCS#12 file (asked on the terminal if needed)")
	return cmd
}

// importCA imports the CA f names, asking for the key's password when
// none was given and one is needed; a certificate alone is trusted.
func (c *cli) importCA(name string, f caImportFlags) error {
	if (f.p12File == "") == (f.certFile == "") || (f.p12File != "" && f.keyFile != "") {
		return usageError{errors.New("give --cert and --key, or --p12, or --cert alone to trust the CA without its key")}
	}
	if f.keyFile == "" && f.p12File == "" {
		return c.trustCA(name, f.certFile)
	}
	password, err := optionalSecretFile(f.passwordFile)
	if err != nil {
		return err
	}
	return c.withUnlockedVault(func(v *engine.Engine) error {
		files := engine.CAFiles{CertFile: f.certFile, KeyFile: f.keyFile, P12File: f.p12File, Password: password}
		ca, warnings, err := v.ImportCA(c.ctx, name, files)
		if errors.Is(err, engine.ErrPasswordNeeded) && password == nil {
			if files.Password, err = c.askPassword("Password of the key: "); err != nil {
				return err
			}
			ca, warnings, err = v.ImportCA(c.ctx, name, files)
		}
		return c.printNewCA(ca, warnings, err)
	})
}

// trustCA stores a CA's certificate without a key.
func (c *cli) trustCA(name, certFile string) error {
	return c.withUnlockedVault(func(v *engine.Engine) error {
		ca, err := v.TrustCA(c.ctx, name, certFile)
		if err != nil {
			return err
		}
		if !c.jsonOut {
			fmt.Fprintf(c.stderr, "CA %q is trust-only: the test server and verify trust it; it cannot issue.\n", ca.Name)
		}
		return c.printCA(ca, nil)
	})
}

func (c *cli) askPassword(label string) ([]byte, error) {
	if c.prompt == nil {
		return nil, fmt.Errorf("%w: pass --password-file", pki.ErrPasswordNeeded)
	}
	return c.prompt(label)
}

func (c *cli) caListCommand() *cobra.Command {
	return leaf{use: "list", args: noArgs,
		short: "List the vault's CAs",
		run:   c.reading(c.listCAs)}.command()
}

// listCAs shows the vault's CAs, warning of CRLs that expire.
func (c *cli) listCAs(v *engine.Engine, _ []string) error {
	now := v.Now()
	return showList(c, v.CAs, listing[engine.CA]{
		json:   func(ca engine.CA) any { return c.caJSON(v, ca, nil) },
		empty:  "No CA yet. Create one with: certctl ca create NAME",
		header: "NAME\tCOMMON NAME\tKEY\tEXPIRES\tCERTIFICATES\tCRL",
		line: func(ca engine.CA) string {
			c.warnCRL(ca.Name, certinfo.NewCRLState(ca.CRLNumber, ca.CRLNextUpdate, now))
			n, _ := v.IssuedCount(c.ctx, ca)
			return fmt.Sprintf("%s\t%s\t%s\t%s\t%d\t%s", clip(ca.Name, maxNameRunes), clip(ca.Cert.CommonName, maxNameRunes), ca.Cert.KeyType,
				ca.Cert.NotAfter.Format("2006-01-02"), n, crlState(ca, now))
		},
	})
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

// printNewCA shows a CA just brought into the vault, after its warnings;
// err is why it was not, and is returned.
func (c *cli) printNewCA(ca engine.CA, warnings []string, err error) error {
	if err != nil {
		return err
	}
	c.warn(warnings)
	return c.printCA(ca, warnings)
}

func (c *cli) printCA(ca engine.CA, warnings []string) error {
	return c.withVault(func(v *engine.Engine) error {
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
	})
}
