package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"certdesk/core/engine"
)

func (c *cli) pkiExportCommand() *cobra.Command {
	var caName, out, passwordFile string
	cmd := leaf{
		use: "export --ca NAME --out DIR [--password-file F]", args: flagsOnly,
		short: "Write the CA's PKI as an easy-rsa folder that easy-rsa and `openssl ca` keep using",
		long: `export writes DIR as an easy-rsa 3 PKI: ca.crt, private/ca.key, issued/NAME.crt
with private/NAME.key, revoked certificates under revoked/, certs_by_serial/,
index.txt, serial, crlnumber, a freshly signed crl.pem, openssl-easyrsa.cnf
and openssl-ca.cnf (for openssl ca -config). Every key is encrypted with one
password (--password-file, else a generated one shown once); easy-rsa asks
for it as the CA pass phrase.`,
		run: func(*cobra.Command, []string) error {
			if out == "" {
				return usageError{errors.New("say which folder to write with --out DIR")}
			}
			password, err := optionalSecretFile(passwordFile)
			if err != nil {
				return err
			}
			return c.withCA(caName, func(v *engine.Engine, ca engine.CA) error {
				p, err := v.ExportPKI(c.ctx, engine.PKIExport{CA: ca, Dir: out, Password: string(password)})
				if err != nil {
					return err
				}
				return c.reportPKIExport(ca, p, out)
			})
		},
	}.command()
	caFlag(cmd, &caName, "the CA")
	cmd.Flags().StringVar(&out, "out", "", "a new or empty folder")
	cmd.Flags().StringVar(&passwordFile, "password-file", "", "password to encrypt the keys with (default: generate one)")
	return cmd
}

// reportPKIExport says what pki export wrote and how to keep using it.
func (c *cli) reportPKIExport(ca engine.CA, p engine.PKIExported, out string) error {
	if c.jsonOut {
		res := map[string]any{"ca": ca.Name, "folder": out, "certificates": p.Certificates, "crl_number": p.CRLNumber}
		if p.Generated {
			res["password"] = p.Password
		}
		return c.printJSON(res)
	}
	fmt.Fprintf(c.stdout, "Wrote CA %q with %s to %s as an easy-rsa PKI.\n", ca.Name, countOf(p.Certificates, "certificate"), out)
	if p.Generated {
		fmt.Fprintf(c.stdout, "Key password (shown once; easy-rsa asks for it as the CA pass phrase): %s\n", p.Password)
	}
	abs, _ := filepath.Abs(out)
	fmt.Fprintf(c.stdout, "Keep using it with:\n  EASYRSA_PKI=%s easyrsa build-client-full NAME\n  openssl ca -config %s -gencrl -out crl.pem\n",
		abs, filepath.Join(abs, "openssl-ca.cnf"))
	return nil
}

func (c *cli) pkiImportCommand() *cobra.Command {
	var name, passwordFile string
	cmd := leaf{
		use: "import (EASYRSA_DIR | BUNDLE.pem) [--name NAME] [--password-file F]", args: exactArgs(1, "one folder or PEM file"),
		short: "Import a CA with everything it issued from an easy-rsa/openssl ca folder or an XCA PEM export",
		long: `import reads an easy-rsa 3 (or openssl ca) folder — ca.crt, private/ca.key,
issued/, private/, revoked/, index.txt, crl.pem, crlnumber — or a PEM file
exported from XCA with the CA, its certificates, keys and CRLs. Revocations
come along; the CA's CRL numbers go on from the highest used. The import is
all or nothing.`,
		run: func(_ *cobra.Command, args []string) error {
			password, err := optionalSecretFile(passwordFile)
			if err != nil {
				return err
			}
			return c.withUnlockedVault(func(v *engine.Engine) error {
				return c.importPKI(v, engine.PKIImport{Source: args[0], Password: password, Name: name})
			})
		},
	}.command()
	cmd.Flags().StringVar(&name, "name", "", "name for the CA in the vault (default: its common name)")
	cmd.Flags().StringVar(&passwordFile, "password-file", "", "password of the keys (asked on the terminal if needed)")
	return cmd
}

// importPKI imports req into the unlocked vault, asking for the keys'
// password when none was given and one is needed.
func (c *cli) importPKI(v *engine.Engine, req engine.PKIImport) error {
	done, warnings, err := v.ImportPKI(c.ctx, req)
	if errors.Is(err, engine.ErrPasswordNeeded) && req.Password == nil {
		if req.Password, err = c.askPassword("Key password: "); err != nil {
			return err
		}
		done, warnings, err = v.ImportPKI(c.ctx, req)
	}
	if err != nil {
		return err
	}
	if c.jsonOut {
		return c.printJSON(map[string]any{"imported": done, "warnings": warnings})
	}
	for _, d := range done {
		fmt.Fprintf(c.stdout, "Imported CA %q with %s (%d revoked).\n", d.CA, countOf(d.Certificates, "certificate"), d.Revoked)
	}
	c.warn(warnings)
	return nil
}
