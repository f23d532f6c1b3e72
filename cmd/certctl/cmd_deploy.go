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

func (c *cli) deployCommand() *cobra.Command {
	var caName, servers, out, serverRef, listen, backend string
	var dns, ips []string
	var crlDays int
	var force bool
	cmd := &cobra.Command{
		Use:   "deploy --ca NAME --server nginx|apache|haproxy|caddy|python|gunicorn|go|all --out DIR",
		Short: "Write a ready-to-use configuration that makes a real server check the CA's client certificates, with the CA, CRL and server files beside it",
		Long: `deploy writes into DIR: ca.pem (the CA that issues the clients), crl.pem (a
freshly signed CRL), server.pem and server.key (the server's certificate and
key: --server-cert REF from the vault, or a new one for --dns/--ip),
server-bundle.pem (both in one file, for HAProxy), and one commented
configuration per server. Every configuration passes the client's identity
to the application as X-Client-Verify, X-Client-DN, X-Client-Serial and
X-Client-Fingerprint (the Python, Gunicorn and Go servers read it from the
connection instead). Run certctl crl again after revoking, into DIR/crl.pem,
and reload the server.`,
		Args: exactArgs(0, "no arguments (use flags)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usageError{errors.New("say which folder to write with --out DIR")}
			}
			targets, err := deploy.ParseTargets(servers)
			if err != nil {
				return usageError{err}
			}
			if err := deploy.CheckAddresses(listen, backend); err != nil {
				return usageError{err}
			}
			if crlDays < 1 || crlDays > 3650 {
				return usageError{fmt.Errorf("--crl-days %d is out of range: give 1 to 3650", crlDays)}
			}
			if serverRef != "" && (len(dns) > 0 || len(ips) > 0) {
				return usageError{errors.New("--dns and --ip describe a new server certificate: leave them out with --server-cert")}
			}
			ipAddrs, err := pki.ParseIPs(ips)
			if err != nil {
				return usageError{err}
			}
			if serverRef == "" && len(dns) == 0 && len(ipAddrs) == 0 {
				dns = []string{"localhost"}
			}
			v, ca, err := c.unlockCA(caName)
			if err != nil {
				return err
			}
			defer v.Close()
			req := engine.DeployRequest{CA: ca, Dir: out, Servers: targets, Replace: force, Listen: listen, Backend: backend,
				Request: pki.ServerRequest{DNSNames: dns, IPAddresses: ipAddrs}, CRLValidity: time.Duration(crlDays) * 24 * time.Hour}
			if serverRef != "" {
				rec, err := v.Find(c.ctx, serverRef)
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
			written := kit.Files
			if c.jsonOut {
				return c.printJSON(map[string]any{"ca": ca.Name, "folder": out, "files": written, "server_name": kit.ServerName})
			}
			fmt.Fprintf(c.stdout, "Wrote a deployment kit for CA %q to %s:\n", ca.Name, out)
			for _, p := range written {
				fmt.Fprintf(c.stdout, "  %s\n", filepath.Base(p))
			}
			fmt.Fprintf(c.stdout, "Each configuration explains itself in comments. After revoking, publish the CRL again and reload the server:\n  certctl crl --ca %q --out %s --force\n",
				ca.Name, filepath.Join(out, deploy.CRLFileName))
			return nil
		},
	}
	cmd.Flags().StringVar(&caName, "ca", "", "the CA whose clients the server accepts (may be left out when the vault has one CA)")
	cmd.Flags().StringVar(&servers, "server", "", "nginx, apache, haproxy, caddy, python, gunicorn, go; comma-separated, or all")
	cmd.Flags().StringVar(&out, "out", "", "folder to write the kit to (created if missing)")
	cmd.Flags().StringVar(&serverRef, "server-cert", "", "use this server certificate from the vault (default: issue a new one)")
	cmd.Flags().StringSliceVar(&dns, "dns", nil, "DNS name of a new server certificate (default localhost)")
	cmd.Flags().StringSliceVar(&ips, "ip", nil, "IP address of a new server certificate")
	cmd.Flags().StringVar(&listen, "listen", "0.0.0.0:8443", "address the server listens on")
	cmd.Flags().StringVar(&backend, "backend", "127.0.0.1:8080", "address of the application behind the server")
	cmd.Flags().IntVar(&crlDays, "crl-days", 30, "days the CRL stays valid")
	cmd.Flags().BoolVar(&force, "force", false, "replace the files of an earlier kit")
	return cmd
}
