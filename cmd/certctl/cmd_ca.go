package main

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"certdesk/core/certinfo"
	"certdesk/core/pki"
	"certdesk/core/vault"
)

func (c *cli) caCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "ca", Short: "Create, import and list certificate authorities"}
	cmd.AddCommand(c.caCreateCommand(), c.caImportCommand(), c.caListCommand())
	return cmd
}

func (c *cli) caCreateCommand() *cobra.Command {
	var cn, org, keyType string
	var days int
	cmd := &cobra.Command{
		Use:   "create NAME",
		Short: "Create a CA (ECDSA P-256, 10 years, path length 0)",
		Args:  exactArgs(1, "the CA's NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			kt, err := pki.ParseKeyType(keyType)
			if err != nil {
				return usageError{err}
			}
			v, err := c.unlockVault()
			if err != nil {
				return err
			}
			defer v.Close()
			ca, err := v.CreateCA(c.ctx, args[0], pki.CARequest{
				Name: pki.Name{CommonName: cn, Organization: org}, KeyType: kt, Validity: pki.Validity{Days: days},
			})
			if err != nil {
				return err
			}
			return c.printCA(ca, nil)
		},
	}
	cmd.Flags().StringVar(&cn, "cn", "", "common name (default: NAME)")
	cmd.Flags().StringVar(&org, "org", "", "organization (O)")
	cmd.Flags().StringVar(&keyType, "key", string(pki.DefaultKeyType), "key type: ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096, ed25519")
	cmd.Flags().IntVar(&days, "days", pki.DefaultCADays, "validity in days")
	return cmd
}

func (c *cli) caImportCommand() *cobra.Command {
	var certFile, keyFile, p12File, passwordFile string
	cmd := &cobra.Command{
		Use:   "import NAME (--cert FILE --key FILE | --p12 FILE)",
		Short: "Import an existing CA with its private key (PEM, encrypted PKCS#8, traditional PEM, or PKCS#12)",
		Args:  exactArgs(1, "the CA's NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (p12File == "") == (certFile == "" && keyFile == "") || (p12File == "" && (certFile == "" || keyFile == "")) {
				return usageError{errors.New("give either --cert and --key, or --p12")}
			}
			var password []byte
			if passwordFile != "" {
				var err error
				if password, err = readSecretFile(passwordFile); err != nil {
					return err
				}
			}
			cert, key, chain, err := c.loadCAFiles(certFile, keyFile, p12File, password)
			if err != nil {
				return err
			}
			v, err := c.unlockVault()
			if err != nil {
				return err
			}
			defer v.Close()
			ca, warnings, err := v.ImportCA(c.ctx, args[0], cert, key, chain)
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

// loadCAFiles reads a CA from PEM/DER files or a PKCS#12 file, asking for a
// password on the terminal when one is needed and none was given.
func (c *cli) loadCAFiles(certFile, keyFile, p12File string, password []byte) (*x509.Certificate, crypto.Signer, []*x509.Certificate, error) {
	if p12File != "" {
		data, err := readInput(p12File)
		if err != nil {
			return nil, nil, nil, err
		}
		if password == nil {
			if password, err = c.askPassword("PKCS#12 password: "); err != nil {
				return nil, nil, nil, err
			}
		}
		key, cert, chain, err := pki.DecodePKCS12Chain(data, string(password))
		if err != nil {
			if errors.Is(err, pkcs12.ErrIncorrectPassword) {
				return nil, nil, nil, fmt.Errorf("%s: %w", p12File, pki.ErrWrongPassword)
			}
			return nil, nil, nil, fmt.Errorf("reading %s as PKCS#12: %w", p12File, err)
		}
		signer, ok := key.(crypto.Signer)
		if !ok {
			return nil, nil, nil, fmt.Errorf("%s holds a key of unsupported type %T", p12File, key)
		}
		return cert, signer, chain, nil
	}
	certData, err := readInput(certFile)
	if err != nil {
		return nil, nil, nil, err
	}
	certs, err := pki.ParseCertificates(certData)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", certFile, err)
	}
	keyData, err := readInput(keyFile)
	if err != nil {
		return nil, nil, nil, err
	}
	key, err := pki.ParsePrivateKey(keyData, password)
	if errors.Is(err, pki.ErrPasswordNeeded) && password == nil {
		if password, err = c.askPassword("Key password: "); err != nil {
			return nil, nil, nil, err
		}
		key, err = pki.ParsePrivateKey(keyData, password)
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", keyFile, err)
	}
	return certs[0], key, certs[1:], nil
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
			v, err := c.openVault()
			if err != nil {
				return err
			}
			defer v.Close()
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
				n, _ := v.Count(c.ctx, vault.Filter{CAID: ca.ID})
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\n", certinfo.Clean(ca.Name), ca.Cert.CommonName, ca.Cert.KeyType,
					ca.Cert.NotAfter.Format("2006-01-02"), n-1, crlState(ca, now))
			}
			return w.Flush()
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

func (c *cli) caJSON(v *vault.Vault, ca vault.CA, warnings []string) caJSON {
	n, _ := v.Count(c.ctx, vault.Filter{CAID: ca.ID})
	out := caJSON{Name: ca.Name, Certificate: ca.Cert.Info(v.Now()), Certificates: n - 1, CRLNumber: ca.CRLNumber, Warnings: warnings}
	if cert, err := v.Certificate(c.ctx, ca.CertID); err == nil {
		out.CanSignCRL = vault.CanSignCRL(cert) == nil
	}
	if !ca.CRLNextUpdate.IsZero() {
		s := ca.CRLNextUpdate.Format("2006-01-02T15:04:05Z07:00")
		out.CRLNextUpdate = &s
	}
	return out
}

func (c *cli) printCA(ca vault.CA, warnings []string) error {
	v, err := c.openVault()
	if err != nil {
		return err
	}
	defer v.Close()
	if c.jsonOut {
		return c.printJSON(c.caJSON(v, ca, warnings))
	}
	fmt.Fprintf(c.stdout, "CA %q ready.\n", ca.Name)
	cert, err := v.Certificate(c.ctx, ca.CertID)
	if err != nil {
		return err
	}
	info := certinfo.Describe(cert, v.Now())
	info.ID, info.Kind, info.CA = ca.CertID, string(vault.KindCA), ca.Name
	printInfo(c.stdout, info)
	return nil
}
