package main

import (
	"certdesk/core/engine"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

// adminCommand manages a team vault's admins.
func (c *cli) adminCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin",
		Short: "Manage the admins of a team vault (postgres://…)",
		Long: `Manage the admins of a team vault.

Each admin connects as their own PostgreSQL role (the admin's name) and
unlocks with their own passphrase. Roles: owner (admins, CAs, everything),
issuer (issue, renew, revoke, export, CRLs), auditor (read, log, check; no
private key ever). PostgreSQL itself enforces them.`,
	}
	asGroup(cmd)
	cmd.AddCommand(c.adminAddCommand(), c.adminListCommand(), c.adminRemoveCommand())
	return cmd
}

func (c *cli) adminAddCommand() *cobra.Command {
	var role, newFile string
	cmd := &cobra.Command{
		Use:   "add NAME --role owner|issuer|auditor",
		Short: "Add an admin (creates their database role when you may, or uses an existing one)",
		Long: `Add an admin. NAME is also the PostgreSQL role they connect as: it is
created (LOGIN, no password: set one with ALTER ROLE, or rely on the server's
authentication) when missing and you have CREATEROLE, or an existing role is
used. Their passphrase comes from --new-passphrase-file,
$CERTDESK_NEW_PASSPHRASE or a prompt asked twice. Only an owner can.`,
		Args: exactArgs(1, "the admin's name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if role == "" {
				return usageError{errors.New("say which role with --role owner|issuer|auditor")}
			}
			return c.withUnlockedVault(func(v *engine.Engine) error {
				pass, err := c.newPassphrase(newFile)
				if err != nil {
					return err
				}
				if err := v.AddAdmin(c.ctx, args[0], role, pass); err != nil {
					return err
				}
				return c.printOr(map[string]any{"admin": args[0], "role": role}, func() {
					fmt.Fprintf(c.stdout, "Added %s as %s. They connect as the database role %s and unlock with their own passphrase.\n", args[0], role, args[0])
				})
			})
		},
	}
	cmd.Flags().StringVar(&role, "role", "", "owner, issuer or auditor")
	cmd.Flags().StringVar(&newFile, "new-passphrase-file", "", "read the new admin's passphrase from this file (default $CERTDESK_NEW_PASSPHRASE, else a prompt asked twice)")
	return cmd
}

func (c *cli) adminListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the admins (an owner sees all, others themselves)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withVault(func(v *engine.Engine) error {
				admins, err := v.Admins(c.ctx)
				if err != nil {
					return err
				}
				if c.jsonOut {
					return c.printJSON(admins)
				}
				w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "NAME\tROLE\tADDED")
				for _, a := range admins {
					fmt.Fprintf(w, "%s\t%s\t%s\n", clip(a.Name, maxNameRunes), a.Role, a.Added.Format("2006-01-02 15:04"))
				}
				return w.Flush()
			})
		},
	}
}

func (c *cli) adminRemoveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove an admin and rotate the vault key (every private key re-sealed, one transaction)",
		Args:  exactArgs(1, "the admin's name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withUnlockedVault(func(v *engine.Engine) error {
				n, err := v.RemoveAdmin(c.ctx, args[0])
				if err != nil {
					return err
				}
				return c.printOr(map[string]any{"removed": args[0], "keys_resealed": n}, func() {
					fmt.Fprintf(c.stdout, "Removed %s and rotated the vault key: %d private keys re-sealed; their slot opens nothing now.\n", args[0], n)
				})
			})
		},
	}
}
