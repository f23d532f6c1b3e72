package main

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"certdesk/core/mtls"
	"certdesk/core/vault"
)

func (c *cli) serveCommand() *cobra.Command {
	var caName, addr, modeName string
	cmd := &cobra.Command{
		Use:   "serve [--ca NAME] [--addr HOST:PORT] [--mode explain|strict|optional]",
		Short: "Run the local mTLS test server and print every connection's verdict (Ctrl-C stops)",
		Args:  exactArgs(0, "no arguments (use flags)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			mode, err := mtls.ParseMode(modeName)
			if err != nil {
				return usageError{err}
			}
			v, ca, err := c.unlockCA(caName)
			if err != nil {
				return err
			}
			defer v.Close()
			rec, err := v.TestServerCertificate(c.ctx, ca)
			if err != nil {
				return err
			}
			cert, err := v.TLSCertificate(c.ctx, rec.ID)
			if err != nil {
				return err
			}
			source := vault.NewTrustSource(v, ca)
			trust, err := source.Trust(c.ctx)
			if err != nil {
				return err
			}
			server, err := mtls.Start(mtls.Config{Addr: addr, Mode: mode, Certificate: *cert, Trust: trust})
			if err != nil {
				return err
			}
			defer server.Close()
			ctx, stop := signal.NotifyContext(c.ctx, os.Interrupt, syscall.SIGTERM)
			defer stop()
			go mtls.KeepTrustFresh(ctx, server, source, 250*time.Millisecond, func(err error) {
				fmt.Fprintln(c.stderr, "certctl: reloading trust:", err)
			})
			sub, _ := server.Events().Subscribe(4096)
			defer sub.Close()
			if w := server.Exposure(); w != "" {
				fmt.Fprintln(c.stderr, "certctl: warning:", w)
			}
			if !c.jsonOut {
				fmt.Fprintf(c.stdout, "Serving %s in %s mode (%s), trusting CA %q.\n", server.URL(), mode, mode.Description(), ca.Name)
				fmt.Fprintf(c.stdout, "Listening on %s. Try: certctl try --as NAME --addr %s   (Ctrl-C stops)\n", server.Addr(), server.DialAddr())
			} else {
				c.printJSON(map[string]any{"listening": server.Addr().String(), "url": server.URL(), "mode": mode, "ca": ca.Name})
			}
			var reported uint64
			for {
				select {
				case <-ctx.Done():
					if !c.jsonOut {
						fmt.Fprintf(c.stdout, "Stopped after %d connection(s).\n", server.Events().Published())
					}
					return nil
				case e := <-sub.C:
					if d := sub.Dropped(); d > reported {
						fmt.Fprintf(c.stderr, "certctl: %d event(s) not shown: the output is slower than the connections\n", d-reported)
						reported = d
					}
					if c.jsonOut {
						line, _ := json.Marshal(e)
						fmt.Fprintf(c.stdout, "%s\n", line)
					} else {
						printEventLine(c.stdout, e)
					}
				}
			}
		},
	}
	cmd.Flags().StringVar(&caName, "ca", "", "the CA whose certificates are trusted and which issues the server certificate")
	cmd.Flags().StringVar(&addr, "addr", mtls.DefaultAddr, "address to listen on")
	cmd.Flags().StringVar(&modeName, "mode", "explain", "explain, strict or optional")
	return cmd
}

func printEventLine(w io.Writer, e mtls.Event) {
	who := "-"
	if e.Info != nil {
		who = cut(e.CommonName, maxNameRunes, strconv.Quote)
	}
	status := "refused"
	if e.HTTPStatus != 0 {
		status = fmt.Sprint(e.HTTPStatus)
	}
	fp := ""
	if e.Info != nil && len(e.FingerprintSHA256) > 23 {
		fp = " SHA-256 " + e.FingerprintSHA256[:23] + "…"
	}
	tlsv := e.TLSVersion
	if tlsv == "" {
		tlsv = "-"
	}
	fmt.Fprintf(w, "%s  %-21s %-8s %-16s %-7s %s%s  %s\n", e.Time.Local().Format("15:04:05"), e.Remote, tlsv, e.Verdict, status, who, fp, clip(e.Explanation, maxLineRunes))
}

func (c *cli) tryCommand() *cobra.Command {
	var as, addr, caName, dir string
	var none, lookalike, commands bool
	cmd := &cobra.Command{
		Use:   "try (--as REF | --none | --lookalike) [--addr HOST:PORT]",
		Short: "Connect to a running test server as a certificate, with none, or with a look-alike CA's, and show the answer (exit 3 when refused)",
		Args:  exactArgs(0, "no arguments (use flags)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			chosen := 0
			for _, b := range []bool{as != "", none, lookalike} {
				if b {
					chosen++
				}
			}
			if chosen != 1 {
				return usageError{errors.New("choose one of --as REF, --none or --lookalike")}
			}
			if commands && as == "" {
				return usageError{errors.New("--commands needs --as REF")}
			}
			v, err := c.openVault()
			if err != nil {
				return err
			}
			defer v.Close()
			pool := x509.NewCertPool()
			cas, err := v.CAs(c.ctx)
			if err != nil {
				return err
			}
			for _, ca := range cas {
				if cert, err := v.Certificate(c.ctx, ca.CertID); err == nil {
					pool.AddCert(cert)
				}
			}
			opts := mtls.TryOptions{ServerCAs: pool}
			label := "no certificate"
			switch {
			case as != "":
				rec, err := v.Find(c.ctx, as)
				if err != nil {
					return err
				}
				if !rec.HasKey {
					return fmt.Errorf("the vault holds no private key for %q, so Certdesk cannot connect as it", rec.CommonName)
				}
				v.Close()
				if v, err = c.unlockVault(); err != nil {
					return err
				}
				if opts.Certificate, err = v.TLSCertificate(c.ctx, rec.ID); err != nil {
					return err
				}
				label = fmt.Sprintf("%q", rec.CommonName)
				if commands {
					return c.printSnippets(v, rec, addr, dir)
				}
			case lookalike:
				ca, err := c.pickCA(v, caName)
				if err != nil {
					return err
				}
				caCert, err := v.Certificate(c.ctx, ca.CertID)
				if err != nil {
					return err
				}
				if opts.Certificate, err = mtls.LookalikeCertificate(caCert, v.Now()); err != nil {
					return err
				}
				label = fmt.Sprintf("a look-alike of CA %q", ca.Name)
			}
			res, err := mtls.Try(c.ctx, addr, opts)
			if err != nil {
				return fmt.Errorf("%w (is `certctl serve` running at %s?)", err, addr)
			}
			if c.jsonOut {
				out := map[string]any{"http_status": res.HTTPStatus, "refused": res.Refused}
				if res.WhoAmI != nil {
					out["whoami"] = res.WhoAmI
				}
				c.printJSON(out)
			} else {
				fmt.Fprintf(c.stdout, "As %s: %s\n", label, res.Summary())
			}
			if res.WhoAmI == nil || res.HTTPStatus != 200 {
				return exitCodeError{code: exitNotAllowed, err: errors.New("")}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&as, "as", "", "connect as this vault certificate (REF)")
	cmd.Flags().BoolVar(&none, "none", false, "connect without a certificate")
	cmd.Flags().BoolVar(&lookalike, "lookalike", false, "connect with a certificate from a look-alike of the CA (same name, other key)")
	cmd.Flags().StringVar(&caName, "ca", "", "with --lookalike: the CA to imitate")
	cmd.Flags().StringVar(&addr, "addr", mtls.DefaultAddr, "the test server's address")
	cmd.Flags().BoolVar(&commands, "commands", false, "with --as: write the files into --dir and print curl, openssl and Python commands that connect")
	cmd.Flags().StringVar(&dir, "dir", ".", "with --commands: where to write the files")
	return cmd
}

// printSnippets exports what a person needs and prints commands using it.
func (c *cli) printSnippets(v *vault.Vault, rec vault.Record, addr, dir string) error {
	ca, err := v.CAByName(c.ctx, rec.CAName)
	if err != nil {
		return err
	}
	cert, err := v.Certificate(c.ctx, rec.ID)
	if err != nil {
		return err
	}
	chain, err := v.Chain(c.ctx, rec.ID)
	if err != nil {
		return err
	}
	key, err := v.PrivateKey(c.ctx, rec.ID)
	if err != nil {
		return err
	}
	caCert, err := v.Certificate(c.ctx, ca.CertID)
	if err != nil {
		return err
	}
	files, err := mtls.PrepareClientFiles(dir, cert, chain, key, caCert)
	if err != nil {
		return err
	}
	url := "https://localhost:" + addr[strings.LastIndex(addr, ":")+1:] + "/"
	snippets := mtls.Snippets(url, files)
	if files.Dir != dir {
		fmt.Fprintf(c.stderr, "certctl: %s already holds files of these names; nothing was replaced: the new files are in %s\n", dir, files.Dir)
	}
	if c.jsonOut {
		return c.printJSON(snippets)
	}
	for _, s := range snippets {
		fmt.Fprintf(c.stdout, "# %s\n%s\n\n", s.Tool, s.Command)
	}
	return nil
}
