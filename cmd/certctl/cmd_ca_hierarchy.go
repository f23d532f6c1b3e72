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
	cn, org, ou, keyType string
	subject              subjectFlags
	days, pathLen        int
	noPathLimit          bool
	permit, exclude      []string
}

func (f *caFlags) register(cmd *cobra.Command, withKey bool) {
	cmd.Flags().StringVar(&f.cn, "cn", "", "common name (default: NAME)")
	cmd.Flags().StringVar(&f.org, "org", "", "organization (O)")
	cmd.Flags().StringVar(&f.ou, "ou", "", "organizational unit (OU)")
	f.subject.register(cmd)
	if withKey {
		cmd.Flags().StringVar(&f.keyType, "key", string(pki.DefaultKeyType), "key type: ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096, ed25519")
	}
	cmd.Flags().IntVar(&f.days, "days", 0, fmt.Sprintf("validity in days (default %d; an issuing CA: at most its parent's remaining life)", pki.DefaultCADays))
	cmd.Flags().IntVar(&f.pathLen, "path-len", 0, "how many CA levels may stand below this CA (0: it signs only people and servers)")
	cmd.Flags().BoolVar(&f.noPathLimit, "no-path-limit", false, "set no path length limit")
	cmd.Flags().StringArrayVar(&f.permit, "permit", nil, "name constraint: names under the CA must match KIND:VALUE (dns, email, ip CIDR, uri host; repeatable)")
	cmd.Flags().StringArrayVar(&f.exclude, "exclude", nil, "name constraint: names under the CA may not match KIND:VALUE (repeatable)")
}

func (f *caFlags) request() (pki.CARequest, error) {
	req := pki.CARequest{Name: pki.Name{CommonName: f.cn, Organization: f.org, OrganizationalUnit: f.ou},
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
	cmd := &cobra.Command{
		Use:   "create NAME [--parent CA [--path-len N] | --csr-out FILE] [--permit KIND:VALUE]... [--exclude KIND:VALUE]...",
		Short: "Create a root CA (ECDSA P-256, 10 years, path length 0), an issuing CA under a vault CA (--parent), or one for a root kept elsewhere (--csr-out)",
		Long: `create makes a CA. Without --parent it is a self-signed root; give it
--path-len 1 (or more) if issuing CAs will stand under it. With --parent CA the
new CA is signed by that vault CA, which can later revoke it. With --csr-out FILE
the key is made and sealed in the vault and a CSR is written for a root Certdesk
does not hold (an offline root); complete it with certctl ca install-cert.`,
		Args: exactArgs(1, "the CA's NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if parent != "" && csrOut != "" {
				return usageError{errors.New("give --parent (a vault CA signs it) or --csr-out (a root elsewhere signs it), not both")}
			}
			req, err := f.request()
			if err != nil {
				return usageError{err}
			}
			v, err := c.unlockVault()
			if err != nil {
				return err
			}
			defer v.Close()
			switch {
			case csrOut != "":
				p, err := v.RequestCA(c.ctx, args[0], req, csrOut)
				if err != nil {
					return err
				}
				return c.printPending(p, csrOut)
			case parent != "":
				pca, err := v.CAByName(c.ctx, parent)
				if err != nil {
					return err
				}
				ca, err := v.CreateIntermediate(c.ctx, args[0], pca, req)
				if err != nil {
					return err
				}
				return c.printCA(ca, nil)
			}
			ca, err := v.CreateCA(c.ctx, args[0], req)
			if err != nil {
				return err
			}
			return c.printCA(ca, nil)
		},
	}
	f.register(cmd, true)
	cmd.Flags().StringVar(&parent, "parent", "", "the vault CA that signs the new issuing CA")
	cmd.Flags().StringVar(&csrOut, "csr-out", "", "write a CSR for a root Certdesk does not hold; the key stays sealed in the vault")
	return cmd
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
	cmd := &cobra.Command{
		Use:   "install-cert NAME --cert FILE",
		Short: "Complete a CA made with --csr-out: its signed certificate, then its issuers up to the root",
		Args:  exactArgs(1, "the pending CA's NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if certFile == "" {
				return usageError{errors.New("give the signed certificate with --cert FILE (then its issuers in the same file)")}
			}
			v, err := c.unlockVault()
			if err != nil {
				return err
			}
			defer v.Close()
			ca, warnings, err := v.InstallCACert(c.ctx, args[0], certFile)
			if err != nil {
				return err
			}
			for _, w := range warnings {
				fmt.Fprintln(c.stderr, "warning:", w)
			}
			return c.printCA(ca, warnings)
		},
	}
	cmd.Flags().StringVar(&certFile, "cert", "", "the signed CA certificate, followed by its issuers (PEM)")
	return cmd
}

func (c *cli) caSignIntermediateCommand() *cobra.Command {
	var f caFlags
	var caName, csrFile, out string
	cmd := &cobra.Command{
		Use:   "sign-intermediate --ca CA --csr FILE [--path-len N] [--permit KIND:VALUE]... [--out FILE]",
		Short: "Sign a CSR as an issuing CA; path length and name constraints are ours, never copied from the request",
		Args:  exactArgs(0, "no arguments (use flags)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if csrFile == "" {
				return usageError{errors.New("give the request with --csr FILE")}
			}
			req, err := f.request()
			if err != nil {
				return usageError{err}
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
			rec, err := v.SignIntermediate(c.ctx, ca, data, req)
			if err != nil {
				return fmt.Errorf("%s: %w", csrFile, err)
			}
			if out != "" {
				if _, err := v.Export(c.ctx, engine.ExportRequest{ID: rec.ID, Format: export.Chain, Path: out}); err != nil {
					return err
				}
				if !c.jsonOut {
					fmt.Fprintf(c.stderr, "Wrote the issuing CA's certificate and its chain to %s.\n", out)
				}
			}
			return c.printIssued(v, rec)
		},
	}
	f.register(cmd, false)
	cmd.Flags().StringVar(&caName, "ca", "", "the signing CA (may be left out when the vault has one CA)")
	cmd.Flags().StringVar(&csrFile, "csr", "", "the issuing CA's certificate signing request (PEM or DER)")
	cmd.Flags().StringVar(&out, "out", "", "write the signed certificate and its chain (PEM) to FILE")
	return cmd
}

func (c *cli) caPendingCommand() *cobra.Command {
	var name, csrOut string
	cmd := &cobra.Command{
		Use:   "pending [--name NAME --csr-out FILE]",
		Short: "List the CAs waiting for their certificate, or write one's CSR again",
		Args:  exactArgs(0, "no arguments (use flags)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withVault(func(v *engine.Engine) error {
				if csrOut != "" {
					return v.WritePendingCSR(c.ctx, name, csrOut)
				}
				ps, err := v.PendingCAs(c.ctx)
				if err != nil {
					return err
				}
				if c.jsonOut {
					out := []map[string]any{}
					for _, p := range ps {
						out = append(out, map[string]any{"name": p.Name, "created_at": p.CreatedAt})
					}
					return c.printJSON(out)
				}
				for _, p := range ps {
					fmt.Fprintf(c.stdout, "%s\t(waiting since %s)\n", certinfo.Clean(p.Name), p.CreatedAt.Format("2006-01-02 15:04 MST"))
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the pending CA")
	cmd.Flags().StringVar(&csrOut, "csr-out", "", "write its CSR (PEM) to FILE")
	return cmd
}

func (c *cli) caTreeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "tree",
		Short: "Show the vault's CAs as a tree, with path lengths and name constraints",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withVault(func(v *engine.Engine) error {
				nodes, err := v.CATree(c.ctx)
				if err != nil {
					return err
				}
				if c.jsonOut {
					out := []map[string]any{}
					for _, n := range nodes {
						out = append(out, map[string]any{"name": n.CA.Name, "parent_id": n.ParentID, "id": n.CA.ID, "depth": n.Depth, "path_len": n.PathLen, "constraints": n.Constraints})
					}
					return c.printJSON(out)
				}
				for _, n := range nodes {
					pl := fmt.Sprint(n.PathLen)
					if n.PathLen < 0 {
						pl = "none"
					}
					fmt.Fprintf(c.stdout, "%s%s  (path length %s", strings.Repeat("  ", n.Depth), certinfo.Clean(n.CA.Name), pl)
					if len(n.Constraints) > 0 {
						fmt.Fprintf(c.stdout, "; %s", strings.Join(n.Constraints, ", "))
					}
					fmt.Fprintln(c.stdout, ")")
				}
				return nil
			})
		},
	}
}
