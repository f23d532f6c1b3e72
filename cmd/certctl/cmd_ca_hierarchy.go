package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
	"certdesk/core/export"
	"certdesk/core/pki"
)

// caFlags are the flags that shape a new CA: its subject, key, lifetime,
// path length and name constraints.
type caFlags struct {
	name            nameFlags
	keyType         string
	subject         subjectFlags
	days, pathLen   int
	noPathLimit     bool
	permit, exclude []string
}

func (f *caFlags) register(cmd *cobra.Command, withKey bool) {
	f.name.register(cmd, "common name (default: NAME)")
	f.subject.register(cmd)
	if withKey {
		keyFlag(cmd, &f.keyType)
	}
	cmd.Flags().IntVar(&f.days, "days", 0, fmt.Sprintf("validity in days (default %d; an issuing CA: at most its parent's remaining life)", pki.DefaultCADays))
	cmd.Flags().IntVar(&f.pathLen, "path-len", 0, "how many CA levels may stand below this CA (0: it signs only people and servers)")
	cmd.Flags().BoolVar(&f.noPathLimit, "no-path-limit", false, "set no path length limit")
	cmd.Flags().StringArrayVar(&f.permit, "permit", nil, "name constraint: names under the CA must match KIND:VALUE (dns, email, ip CIDR, uri host; repeatable)")
	cmd.Flags().StringArrayVar(&f.exclude, "exclude", nil, "name constraint: names under the CA may not match KIND:VALUE (repeatable)")
}

func (f *caFlags) request() (pki.CARequest, error) {
	req := pki.CARequest{Name: f.name.name(),
		Subject: f.subject.subject(), Validity: pki.Validity{Days: f.days}, PathLen: f.pathLen, NoPathLimit: f.noPathLimit}
	if f.keyType != "" {
		kt, err := pki.ParseKeyType(f.keyType)
		if err != nil {
			return req, err
		}
		req.KeyType = kt
	}
	for _, p := range f.permit {
		if err := req.Constraints.Add(true, p); err != nil {
			return req, err
		}
	}
	for _, e := range f.exclude {
		if err := req.Constraints.Add(false, e); err != nil {
			return req, err
		}
	}
	return req, nil
}

func (c *cli) caCreateCommand() *cobra.Command {
	var f caFlags
	var parent, csrOut string
	cmd := leaf{
		use: "create NAME [--parent CA [--path-len N] | --csr-out FILE] [--permit KIND:VALUE]... [--exclude KIND:VALUE]...", args: exactArgs(1, "the CA's NAME"),
		short: "Create a root CA (ECDSA P-256, 10 years, path length 0), an issuing CA under a vault CA (--parent), or one for a root kept elsewhere (--csr-out)",
		long: `create makes a CA. Without --parent it is a self-signed root; give it
--path-len 1 (or more) if issuing CAs will stand under it. With --parent CA the
new CA is signed by that vault CA, which can later revoke it. With --csr-out FILE
the key is made and sealed in the vault and a CSR is written for a root Certdesk
does not hold (an offline root); complete it with certctl ca install-cert.`,
		run: func(_ *cobra.Command, args []string) error {
			if parent != "" && csrOut != "" {
				return usageError{errors.New("give --parent (a vault CA signs it) or --csr-out (a root elsewhere signs it), not both")}
			}
			req, err := f.request()
			if err != nil {
				return usageError{err}
			}
			return c.withUnlockedVault(func(v *engine.Engine) error { return c.createCA(v, args[0], req, parent, csrOut) })
		},
	}.command()
	f.register(cmd, true)
	cmd.Flags().StringVar(&parent, "parent", "", "the vault CA that signs the new issuing CA")
	cmd.Flags().StringVar(&csrOut, "csr-out", "", "write a CSR for a root Certdesk does not hold; the key stays sealed in the vault")
	return cmd
}

// createCA makes the CA req describes: a root, an issuing CA under the
// vault CA named parent, or (csrOut given) one waiting for its certificate.
func (c *cli) createCA(v *engine.Engine, name string, req pki.CARequest, parent, csrOut string) error {
	var ca engine.CA
	var err error
	switch {
	case csrOut != "":
		p, err := v.RequestCA(c.ctx, name, req, csrOut)
		if err != nil {
			return err
		}
		return c.printPending(p, csrOut)
	case parent != "":
		var pca engine.CA
		if pca, err = v.CAByName(c.ctx, parent); err != nil {
			return err
		}
		ca, err = v.CreateIntermediate(c.ctx, name, pca, req)
	default:
		ca, err = v.CreateCA(c.ctx, name, req)
	}
	return c.printNewCA(ca, nil, err)
}

func (c *cli) printPending(p engine.PendingCA, csrOut string) error {
	if c.jsonOut {
		return c.printJSON(map[string]any{"name": p.Name, "status": "pending", "csr": csrOut})
	}
	fmt.Fprintf(c.stdout, "CA %q waits for its certificate; its key is sealed in the vault.\n", p.Name)
	fmt.Fprintf(c.stdout, "Have the root sign %s as a CA, then: certctl ca install-cert %s --cert SIGNED.pem\n", csrOut, shellQuote(p.Name))
	fmt.Fprintln(c.stdout, "(SIGNED.pem: the signed certificate first, then its issuers up to the root.)")
	return nil
}

func shellQuote(s string) string {
	if strings.ContainsAny(s, " \t'\"$`\\") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}

func (c *cli) caInstallCertCommand() *cobra.Command {
	var certFile string
	cmd := leaf{
		use: "install-cert NAME --cert FILE", args: exactArgs(1, "the pending CA's NAME"),
		short: "Complete a CA made with --csr-out: its signed certificate, then its issuers up to the root",
		run: func(_ *cobra.Command, args []string) error {
			if certFile == "" {
				return usageError{errors.New("give the signed certificate with --cert FILE (then its issuers in the same file)")}
			}
			return c.withUnlockedVault(func(v *engine.Engine) error {
				return c.printNewCA(v.InstallCACert(c.ctx, args[0], certFile))
			})
		},
	}.command()
	cmd.Flags().StringVar(&certFile, "cert", "", "the signed CA certificate, followed by its issuers (PEM)")
	return cmd
}

func (c *cli) caSignIntermediateCommand() *cobra.Command {
	var f caFlags
	var caName, csrFile, out string
	cmd := leaf{
		use: "sign-intermediate --ca CA --csr FILE [--path-len N] [--permit KIND:VALUE]... [--out FILE]", args: flagsOnly,
		short: "Sign a CSR as an issuing CA; path length and name constraints are ours, never copied from the request",
		run: func(*cobra.Command, []string) error {
			if csrFile == "" {
				return errNoCSR
			}
			req, err := f.request()
			if err != nil {
				return usageError{err}
			}
			return c.withCSR(caName, csrFile, func(v *engine.Engine, ca engine.CA, csr []byte) error {
				rec, err := v.SignIntermediate(c.ctx, ca, csr, req)
				if err != nil {
					return fmt.Errorf("%s: %w", csrFile, err)
				}
				if out != "" {
					if err := c.writeChain(v, rec, out); err != nil {
						return err
					}
				}
				return c.printIssued(v, rec)
			})
		},
	}.command()
	f.register(cmd, false)
	caFlag(cmd, &caName, "the signing CA")
	cmd.Flags().StringVar(&csrFile, "csr", "", "the issuing CA's certificate signing request (PEM or DER)")
	cmd.Flags().StringVar(&out, "out", "", "write the signed certificate and its chain (PEM) to FILE")
	return cmd
}

// writeChain writes the certificate of a new issuing CA and its chain to out.
func (c *cli) writeChain(v *engine.Engine, rec engine.Record, out string) error {
	if _, err := v.Export(c.ctx, engine.ExportRequest{ID: rec.ID, Format: export.Chain, Path: out}); err != nil {
		return err
	}
	if !c.jsonOut {
		fmt.Fprintf(c.stderr, "Wrote the issuing CA's certificate and its chain to %s.\n", out)
	}
	return nil
}

func (c *cli) caPendingCommand() *cobra.Command {
	var name, csrOut string
	cmd := leaf{
		use: "pending [--name NAME --csr-out FILE]", args: flagsOnly,
		short: "List the CAs waiting for their certificate, or write one's CSR again",
		run: c.reading(func(v *engine.Engine, _ []string) error {
			if csrOut != "" {
				return v.WritePendingCSR(c.ctx, name, csrOut)
			}
			return showList(c, v.PendingCAs, listing[engine.PendingCA]{
				json: func(p engine.PendingCA) any { return map[string]any{"name": p.Name, "created_at": p.CreatedAt} },
				line: func(p engine.PendingCA) string {
					return fmt.Sprintf("%s\t(waiting since %s)", certinfo.Clean(p.Name), p.CreatedAt.Format("2006-01-02 15:04 MST"))
				},
			})
		}),
	}.command()
	cmd.Flags().StringVar(&name, "name", "", "the pending CA")
	cmd.Flags().StringVar(&csrOut, "csr-out", "", "write its CSR (PEM) to FILE")
	return cmd
}

func (c *cli) caTreeCommand() *cobra.Command {
	return leaf{use: "tree", args: noArgs,
		short: "Show the vault's CAs as a tree, with path lengths and name constraints",
		run: c.reading(func(v *engine.Engine, _ []string) error {
			return showList(c, v.CATree, listing[engine.CANode]{json: caNodeJSON, line: caNodeLine})
		})}.command()
}

func caNodeJSON(n engine.CANode) any {
	return map[string]any{"name": n.CA.Name, "parent_id": n.ParentID, "id": n.CA.ID, "depth": n.Depth, "path_len": n.PathLen, "constraints": n.Constraints}
}

// caNodeLine is a CA indented by its depth, with its path length and
// name constraints.
func caNodeLine(n engine.CANode) string {
	pl := fmt.Sprint(n.PathLen)
	if n.PathLen < 0 {
		pl = "none"
	}
	line := fmt.Sprintf("%s%s  (path length %s", strings.Repeat("  ", n.Depth), certinfo.Clean(n.CA.Name), pl)
	if len(n.Constraints) > 0 {
		line += "; " + strings.Join(n.Constraints, ", ")
	}
	return line + ")"
}
