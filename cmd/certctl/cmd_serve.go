package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"certdesk/core/engine"
	"certdesk/core/mtls"
	"certdesk/core/verdict"
)

func (c *cli) serveCommand() *cobra.Command {
	var caName, addr, modeName string
	var alsoTrust []string
	var depth int
	cmd := leaf{
		use: "serve [--ca NAME] [--trust CA]... [--depth N] [--addr HOST:PORT] [--mode explain|strict|optional]", args: flagsOnly,
		short: "Run the local mTLS test server and print every connection's verdict (Ctrl-C stops)",
		run: func(*cobra.Command, []string) error {
			mode, err := mtls.ParseMode(modeName)
			if err != nil {
				return usageError{err}
			}
			if depth < 0 || depth > 100 {
				return usageError{fmt.Errorf("--depth %d is out of range: give 1 to 100 (0: the default, %d)", depth, verdict.DefaultDepth)}
			}
			return c.withCA(caName, func(v *engine.Engine, ca engine.CA) error {
				return c.serve(v, engine.ServerOptions{CA: ca, Addr: addr, Mode: mode, Depth: depth}, alsoTrust)
			})
		},
	}.command()
	cmd.Flags().StringVar(&caName, "ca", "", "the CA whose certificates are trusted and which issues the server certificate")
	cmd.Flags().StringSliceVar(&alsoTrust, "trust", nil, "trust this CA's people too (repeatable; trust-only CAs included)")
	cmd.Flags().StringVar(&addr, "addr", mtls.DefaultAddr, "address to listen on")
	cmd.Flags().StringVar(&modeName, "mode", "explain", "explain, strict or optional")
	cmd.Flags().IntVar(&depth, "depth", 0, "verify depth: CAs allowed between a person's certificate and the root (nginx's ssl_verify_depth; 0: the default)")
	return cmd
}

// serve runs the test server with opts (and the CAs named alsoTrust) until
// a signal, printing every connection's verdict.
func (c *cli) serve(v *engine.Engine, opts engine.ServerOptions, alsoTrust []string) error {
	also, err := c.namedCAs(v, alsoTrust)
	if err != nil {
		return err
	}
	opts.AlsoTrust = also
	opts.OnReloadError = func(err error) { fmt.Fprintln(c.stderr, "certctl: reloading trust:", err) }
	server, err := v.StartTestServer(c.ctx, opts)
	if err != nil {
		return err
	}
	defer server.Close()
	ctx, stop := signal.NotifyContext(c.ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	sub, _ := server.Events().Subscribe(4096)
	defer sub.Close()
	if w := server.Exposure(); w != "" {
		fmt.Fprintf(c.stderr, "certctl: warning: %s Use --addr 127.0.0.1:%d to keep it on this machine.\n", w, server.Addr().(*net.TCPAddr).Port)
	}
	if !c.jsonOut {
		fmt.Fprintln(c.stdout, mtls.Intro(server.URL(), opts.Mode, opts.CA.Name))
		fmt.Fprintf(c.stdout, "Or from a terminal: certctl try --as NAME --addr %s   (Ctrl-C stops)\n", server.DialAddr())
	} else {
		c.printJSON(map[string]any{"listening": server.Addr().String(), "url": server.URL(), "mode": opts.Mode, "ca": opts.CA.Name})
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
}

func printEventLine(w io.Writer, e mtls.Event) {
	fmt.Fprintln(w, termText(e.Text(), maxLineRunes))
}

func (c *cli) tryCommand() *cobra.Command {
	var f tryFlags
	cmd := leaf{
		use: "try (--as REF | --none | --lookalike) [--addr HOST:PORT]", args: flagsOnly,
		short: "Connect to a running test server as a certificate, with none, or with a look-alike CA's, and show the answer (exit 3 when refused)",
		run: func(*cobra.Command, []string) error {
			if err := f.check(); err != nil {
				return err
			}
			return c.try(f)
		},
	}.command()
	cmd.Flags().StringVar(&f.as, "as", "", "connect as this vault certificate (REF)")
	cmd.Flags().BoolVar(&f.none, "none", false, "connect without a certificate")
	cmd.Flags().BoolVar(&f.lookalike, "lookalike", false, "connect with a certificate from a look-alike of the CA (same name, other key)")
	cmd.Flags().StringVar(&f.caName, "ca", "", "with --lookalike: the CA to imitate")
	cmd.Flags().StringVar(&f.addr, "addr", mtls.DefaultAddr, "the test server's address")
	cmd.Flags().BoolVar(&f.commands, "commands", false, "with --as: write the files into --dir and print curl, openssl and Python commands that connect")
	cmd.Flags().StringVar(&f.dir, "dir", ".", "with --commands: where to write the files")
	return cmd
}

// tryFlags are try's options as typed.
type tryFlags struct {
	as, addr, caName, dir     string
	none, lookalike, commands bool
}

// check refuses a try that does not choose exactly one way to connect.
func (f tryFlags) check() error {
	chosen := 0
	for _, b := range []bool{f.as != "", f.none, f.lookalike} {
		if b {
			chosen++
		}
	}
	if chosen != 1 {
		return usageError{errors.New("choose one of --as REF, --none or --lookalike")}
	}
	if f.commands && f.as == "" {
		return usageError{errors.New("--commands needs --as REF")}
	}
	return nil
}

// try connects to a running test server as a vault certificate (the vault
// unlocked for its key), with none, or as a look-alike of a CA.
func (c *cli) try(f tryFlags) error {
	req := engine.TryRequest{Mode: engine.TryWithout, Addr: f.addr}
	if f.as == "" {
		return c.withVault(func(v *engine.Engine) error {
			if f.lookalike {
				var err error
				if req.CA, err = c.pickCA(v, f.caName); err != nil {
					return err
				}
				req.Mode = engine.TryLookalike
			}
			return c.tryAndReport(v, req)
		})
	}
	var rec engine.Record
	err := c.withVault(func(v *engine.Engine) (err error) {
		rec, err = v.Find(c.ctx, f.as)
		return err
	})
	if err != nil {
		return err
	}
	return c.withUnlockedVault(func(v *engine.Engine) error {
		if f.commands {
			return c.printSnippets(v, rec, f.addr, f.dir)
		}
		req.Mode, req.CertID = engine.TryAs, rec.ID
		return c.tryAndReport(v, req)
	})
}

// tryAndReport connects as req says and shows the answer; a client that
// was not let in is exit 3.
func (c *cli) tryAndReport(v *engine.Engine, req engine.TryRequest) error {
	out, err := v.Try(c.ctx, req)
	if unreachable := (*engine.UnreachableError)(nil); errors.As(err, &unreachable) {
		return fmt.Errorf("%w (is `certctl serve` running at %s?)", err, unreachable.Addr)
	} else if err != nil {
		return err
	}
	res := out.Result
	if c.jsonOut {
		js := map[string]any{"http_status": res.HTTPStatus, "refused": res.Refused, "let_in": out.LetIn()}
		if res.WhoAmI != nil {
			js["whoami"] = res.WhoAmI
		}
		c.printJSON(js)
	} else {
		fmt.Fprintln(c.stdout, out.Summary())
	}
	if !out.LetIn() {
		return errRefused
	}
	return nil
}

// printSnippets exports what a person needs and prints commands using it.
func (c *cli) printSnippets(v *engine.Engine, rec engine.Record, addr, dir string) error {
	url := "https://localhost:" + addr[strings.LastIndex(addr, ":")+1:] + "/"
	kit, err := v.PrepareClientKit(c.ctx, rec.ID, dir, url)
	if err != nil {
		return err
	}
	if kit.Files.Dir != dir {
		fmt.Fprintf(c.stderr, "certctl: %s already holds files of these names; nothing was replaced: the new files are in %s\n", dir, kit.Files.Dir)
	}
	if c.jsonOut {
		return c.printJSON(kit.Snippets)
	}
	for _, s := range kit.Snippets {
		fmt.Fprintf(c.stdout, "# %s\n%s\n\n", s.Tool, s.Command)
	}
	return nil
}

// namedCAs finds each CA by name.
func (c *cli) namedCAs(v *engine.Engine, names []string) ([]engine.CA, error) {
	var out []engine.CA
	for _, n := range names {
		ca, err := v.CAByName(c.ctx, n)
		if err != nil {
			return nil, err
		}
		out = append(out, ca)
	}
	return out, nil
}
