package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"certdesk/core/deploy"
	"certdesk/core/engine"
	"certdesk/core/pki"
)

// deployFlags are deploy's options as typed.
type deployFlags struct {
	caName, servers, out, serverRef, listen, backend string
	dns, ips                                         []string
	crlDays                                          int
	force                                            bool
}

func (c *cli) deployCommand() *cobra.Command {
	var f deployFlags
	cmd := leaf{
		use: "deploy --ca NAME --server nginx|apache|haproxy|caddy|python|gunicorn|go|all --out DIR", args: flagsOnly,
		short: "Write a ready-to-use configuration that makes a real server check the CA's client certificates, with the CA, CRL and server files beside it",
		long: `deploy writes into DIR: ca.pem (the CA that issues the clients), crl.pem (a
freshly signed CRL), server.pem and server.key (the server's certificate and
key: --server-cert REF from the vault, or a new one for --dns/--ip),
server-bundle.pem (both in one file, for HAProxy), and one commented
configuration per server. Every configuration passes the client's identity
to the application as X-Client-Verify, X-Client-DN, X-Client-Serial and
X-Client-Fingerprint (the Python, Gunicorn and Go servers read it from the
connection instead). Run certctl crl again after revoking, into DIR/crl.pem,
and reload the server.`,
		run: func(*cobra.Command, []string) error { return c.runDeploy(f) },
	}.command()
	caFlag(cmd, &f.caName, "the CA whose clients the server accepts")
	cmd.Flags().StringVar(&f.servers, "server", "", "nginx, apache, haproxy, caddy, python, gunicorn, go; comma-separated, or all")
	cmd.Flags().StringVar(&f.out, "out", "", "folder to write the kit to (created if missing)")
	cmd.Flags().StringVar(&f.serverRef, "server-cert", "", "use this server certificate from the vault (default: issue a new one)")
	cmd.Flags().StringSliceVar(&f.dns, "dns", nil, "DNS name of a new server certificate (default localhost)")
	cmd.Flags().StringSliceVar(&f.ips, "ip", nil, "IP address of a new server certificate")
	cmd.Flags().StringVar(&f.listen, "listen", "0.0.0.0:8443", "address the server listens on")
	cmd.Flags().StringVar(&f.backend, "backend", "127.0.0.1:8080", "address of the application behind the server")
	cmd.Flags().IntVar(&f.crlDays, "crl-days", 30, "days the CRL stays valid")
	cmd.Flags().BoolVar(&f.force, "force", false, "replace the files of an earlier kit")
	return cmd
}

// deployRequest checks deploy's flags before anything is issued or signed.
func deployRequest(f deployFlags) (engine.DeployRequest, error) {
	if f.out == "" {
		return engine.DeployRequest{}, usageError{errors.New("say which folder to write with --out DIR")}
	}
	targets, err := deploy.ParseTargets(f.servers)
	if err != nil {
		return engine.DeployRequest{}, usageError{err}
	}
	if err := deploy.CheckAddresses(f.listen, f.backend); err != nil {
		return engine.DeployRequest{}, usageError{err}
	}
	if err := checkDays("--crl-days", f.crlDays); err != nil {
		return engine.DeployRequest{}, err
	}
	if f.serverRef != "" && (len(f.dns) > 0 || len(f.ips) > 0) {
		return engine.DeployRequest{}, usageError{errors.New("--dns and --ip describe a new server certificate: leave them out with --server-cert")}
	}
	ipAddrs, err := pki.ParseIPs(f.ips)
	if err != nil {
		return engine.DeployRequest{}, usageError{err}
	}
	dns := f.dns
	if f.serverRef == "" && len(dns) == 0 && len(ipAddrs) == 0 {
		dns = []string{"localhost"}
	}
	return engine.DeployRequest{Dir: f.out, Servers: targets, Replace: f.force, Listen: f.listen, Backend: f.backend,
		Request: pki.ServerRequest{DNSNames: dns, IPAddresses: ipAddrs}, CRLValidity: time.Duration(f.crlDays) * 24 * time.Hour}, nil
}

func (c *cli) runDeploy(f deployFlags) error {
	req, err := deployRequest(f)
	if err != nil {
		return err
	}
	return c.withCA(f.caName, func(v *engine.Engine, ca engine.CA) error {
		req.CA = ca
		if f.serverRef != "" {
			rec, err := v.Find(c.ctx, f.serverRef)
			if err != nil {
				return err
			}
			req.ServerID = rec.ID
		}
		kit, err := v.Deploy(c.ctx, req)
		if errors.Is(err, deploy.ErrKitExists) {
			return fmt.Errorf("%w (or pass --force to replace it)", err)
		} else if err != nil {
			return err
		}
		return c.reportDeploy(ca, kit, f.out)
	})
}

// reportDeploy lists the files of a deployment kit and what to do next.
func (c *cli) reportDeploy(ca engine.CA, kit engine.Deployed, out string) error {
	if c.jsonOut {
		return c.printJSON(map[string]any{"ca": ca.Name, "folder": out, "files": kit.Files, "server_name": kit.ServerName})
	}
	fmt.Fprintf(c.stdout, "Wrote a deployment kit for CA %q to %s:\n", ca.Name, out)
	for _, p := range kit.Files {
		fmt.Fprintf(c.stdout, "  %s\n", filepath.Base(p))
	}
	fmt.Fprintf(c.stdout, "Each configuration explains itself in comments. After revoking, publish the CRL again and reload the server:\n  certctl crl --ca %q --out %s --force\n",
		ca.Name, filepath.Join(out, deploy.CRLFileName))
	return nil
}
