package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"certdesk/core/export"
	"certdesk/core/interop"
	"certdesk/core/pki"
	"certdesk/core/vault"
)

func (c *cli) pkiCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pki",
		Short: "Move a CA's whole PKI to and from easy-rsa, openssl ca and XCA",
	}
	cmd.AddCommand(c.pkiExportCommand(), c.pkiImportCommand())
	return cmd
}

func (c *cli) pkiExportCommand() *cobra.Command {
	var caName, out, passwordFile string
	cmd := &cobra.Command{
		Use:   "export --ca NAME --out DIR [--password-file F]",
		Short: "Write the CA's PKI as an easy-rsa folder that easy-rsa and `openssl ca` keep using",
		Long: `export writes DIR as an easy-rsa 3 PKI: ca.crt, private/ca.key, issued/NAME.crt
with private/NAME.key, revoked certificates under revoked/, certs_by_serial/,
index.txt, serial, crlnumber, a freshly signed crl.pem, openssl-easyrsa.cnf
and openssl-ca.cnf (for openssl ca -config). Every key is encrypted with one
password (--password-file, else a generated one shown once); easy-rsa asks
for it as the CA pass phrase.`,
		Args: exactArgs(0, "no arguments (use flags)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usageError{errors.New("say which folder to write with --out DIR")}
			}
			if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
				return fmt.Errorf("%s is not empty: choose a new folder for the easy-rsa PKI", out)
			}
			// Made before the export signs its CRL, so a folder that cannot
			// be made leaves the vault unchanged.
			if err := os.MkdirAll(out, 0o700); err != nil {
				return fmt.Errorf("creating the folder %s: %w", out, err)
			}
			password, generated := "", false
			if passwordFile != "" {
				b, err := readSecretFile(passwordFile)
				if err != nil {
					return err
				}
				password = string(b)
			} else {
				password, generated = export.GeneratePassword(), true
			}
			v, ca, err := c.unlockCA(caName)
			if err != nil {
				return err
			}
			defer v.Close()
			p, err := v.ExportPKI(c.ctx, ca)
			if err != nil {
				return err
			}
			opts := interop.WriteOptions{Password: password, Now: v.Now()}
			if generated {
				opts.KeyIterations = export.GeneratedPasswordIterations
			}
			if err := interop.WriteEasyRSA(out, p, opts); err != nil {
				return err
			}
			if c.jsonOut {
				res := map[string]any{"ca": ca.Name, "folder": out, "certificates": len(p.Certs), "crl_number": p.CRLNumber}
				if generated {
					res["password"] = password
				}
				return c.printJSON(res)
			}
			fmt.Fprintf(c.stdout, "Wrote CA %q with %s to %s as an easy-rsa PKI.\n", ca.Name, countOf(len(p.Certs), "certificate"), out)
			if generated {
				fmt.Fprintf(c.stdout, "Key password (shown once; easy-rsa asks for it as the CA pass phrase): %s\n", password)
			}
			abs, _ := filepath.Abs(out)
			fmt.Fprintf(c.stdout, "Keep using it with:\n  EASYRSA_PKI=%s easyrsa build-client-full NAME\n  openssl ca -config %s -gencrl -out crl.pem\n",
				abs, filepath.Join(abs, "openssl-ca.cnf"))
			return nil
		},
	}
	cmd.Flags().StringVar(&caName, "ca", "", "the CA (may be left out when the vault has one CA)")
	cmd.Flags().StringVar(&out, "out", "", "a new or empty folder")
	cmd.Flags().StringVar(&passwordFile, "password-file", "", "password to encrypt the keys with (default: generate one)")
	return cmd
}

func (c *cli) pkiImportCommand() *cobra.Command {
	var name, passwordFile string
	cmd := &cobra.Command{
		Use:   "import (EASYRSA_DIR | BUNDLE.pem) [--name NAME] [--password-file F]",
		Short: "Import a CA with everything it issued from an easy-rsa/openssl ca folder or an XCA PEM export",
		Long: `import reads an easy-rsa 3 (or openssl ca) folder — ca.crt, private/ca.key,
issued/, private/, revoked/, index.txt, crl.pem, crlnumber — or a PEM file
exported from XCA with the CA, its certificates, keys and CRLs. Revocations
come along; the CA's CRL numbers go on from the highest used. The import is
all or nothing.`,
		Args: exactArgs(1, "one folder or PEM file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			src := args[0]
			var password []byte
			if passwordFile != "" {
				var err error
				if password, err = readSecretFile(passwordFile); err != nil {
					return err
				}
			}
			pkis, warnings, err := c.readPKI(src, password)
			if err != nil {
				return err
			}
			v, err := c.unlockVault()
			if err != nil {
				return err
			}
			defer v.Close()
			type imported struct {
				CA           string `json:"ca"`
				Certificates int    `json:"certificates"`
				Revoked      int    `json:"revoked"`
			}
			var done []imported
			for i, p := range pkis {
				caName := name
				if caName == "" {
					caName = p.CA.Subject.CommonName
				} else if len(pkis) > 1 {
					caName = fmt.Sprintf("%s %d", name, i+1)
				}
				ca, caWarnings, err := v.ImportPKI(c.ctx, caName, p)
				if err != nil {
					if errors.Is(err, vault.ErrExists) && len(done) == 0 {
						return fmt.Errorf("%w (pass --name to choose another CA name; a certificate already in the vault cannot be imported twice)", err)
					}
					return err
				}
				warnings = append(warnings, caWarnings...)
				revoked := 0
				for _, e := range p.Certs {
					if e.Revoked() {
						revoked++
					}
				}
				done = append(done, imported{ca.Name, len(p.Certs), revoked})
			}
			if c.jsonOut {
				return c.printJSON(map[string]any{"imported": done, "warnings": warnings})
			}
			for _, d := range done {
				fmt.Fprintf(c.stdout, "Imported CA %q with %s (%d revoked).\n", d.CA, countOf(d.Certificates, "certificate"), d.Revoked)
			}
			for _, w := range warnings {
				fmt.Fprintf(c.stderr, "warning: %s\n", w)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "name for the CA in the vault (default: its common name)")
	cmd.Flags().StringVar(&passwordFile, "password-file", "", "password of the keys (asked on the terminal if needed)")
	return cmd
}

// readPKI reads a folder or a bundle, asking for the password on the
// terminal when the keys need one and none was given.
func (c *cli) readPKI(src string, password []byte) ([]interop.PKI, []string, error) {
	st, err := os.Stat(src)
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", src, err)
	}
	read := func(pw []byte) ([]interop.PKI, []string, error) {
		if st.IsDir() {
			p, w, err := interop.ReadEasyRSA(src, pw)
			return []interop.PKI{p}, w, err
		}
		data, err := readInput(src)
		if err != nil {
			return nil, nil, err
		}
		return interop.ReadPEMBundle(data, pw)
	}
	pkis, warnings, err := read(password)
	if errors.Is(err, pki.ErrPasswordNeeded) && password == nil {
		if password, err = c.askPassword("Key password: "); err != nil {
			return nil, nil, err
		}
		pkis, warnings, err = read(password)
	}
	return pkis, warnings, err
}
