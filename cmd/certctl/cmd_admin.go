package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"certdesk/core/engine"
)

// adminHelp explains a team vault's admins and their roles.
const adminHelp = `Manage the admins of a team vault.

Each admin connects as their own PostgreSQL role (the admin's name) and
unlocks with their own passphrase. Roles: owner (admins, CAs, everything),
issuer (issue, renew, revoke, export, CRLs), auditor (read, log, check; no
private key ever). PostgreSQL itself enforces them.`

func (c *cli) adminAddCommand() *cobra.Command {
	var role, newFile string
	cmd := leaf{
		use: "add NAME --role owner|issuer|auditor", args: exactArgs(1, "the admin's name"),
		short: "Add an admin (creates their database role when you may, or uses an existing one)",
		long: `Add an admin. NAME is also the PostgreSQL role they connect as: it is
created (LOGIN, no password: set one with ALTER ROLE, or rely on the server's
authentication) when missing and you have CREATEROLE, or an existing role is
used. Their passphrase comes from --new-passphrase-file,
$CERTDESK_NEW_PASSPHRASE or a prompt asked twice. Only an owner can.`,
		run: func(_ *cobra.Command, args []string) error {
			if role == "" {
				return usageError{errors.New("say which role with --role owner|issuer|auditor")}
			}
			return c.withUnlockedVault(func(v *engine.Engine) error { return c.addAdmin(v, args[0], role, newFile) })
		},
	}.command()
	cmd.Flags().StringVar(&role, "role", "", "owner, issuer or auditor")
	cmd.Flags().StringVar(&newFile, "new-passphrase-file", "", "read the new admin's passphrase from this file (default $CERTDESK_NEW_PASSPHRASE, else a prompt asked twice)")
	return cmd
}

// addAdmin adds name with role to the unlocked team vault, their
// passphrase read from newFile (or the variable, or a prompt).
func (c *cli) addAdmin(v *engine.Engine, name, role, newFile string) error {
	pass, err := c.newPassphrase(newFile)
	if err != nil {
		return err
	}
	if err := v.AddAdmin(c.ctx, name, role, pass); err != nil {
		return err
	}
	return c.reportf(map[string]any{"admin": name, "role": role},
		"Added %s as %s. They connect as the database role %s and unlock with their own passphrase.\n", name, role, name)
}

func (c *cli) adminMeCommand() *cobra.Command {
	return leaf{use: "me", args: noArgs,
		short: "Say who you are in the team vault and what your role may and may not do",
		run:   c.unlocked(c.adminMe)}.command()
}

// adminMe says who the connected admin is and, from the one table of
// rights, what their role may and may not do.
func (c *cli) adminMe(v *engine.Engine, _ []string) error {
	name, role := v.Me()
	if role == "" {
		return engine.ErrNotTeamVault
	}
	may, mayNot := []string{}, []string{}
	for _, a := range engine.Actions() {
		if engine.RoleMay(role, a) {
			may = append(may, engine.ActionWords(a))
		} else {
			mayNot = append(mayNot, engine.ActionWords(a))
		}
	}
	return c.reportf(map[string]any{"admin": name, "role": role, "may": may, "may_not": mayNot}, "%s\n", engine.RoleSummary(name, role))
}

func (c *cli) adminListCommand() *cobra.Command {
	return leaf{use: "list", args: noArgs,
		short: "List the admins (an owner sees all, others themselves)",
		run: c.reading(func(v *engine.Engine, _ []string) error {
			return showList(c, v.Admins, listing[engine.Admin]{header: "NAME\tROLE\tADDED", line: func(a engine.Admin) string {
				return fmt.Sprintf("%s\t%s\t%s", clip(a.Name, maxNameRunes), a.Role, a.Added.Format("2006-01-02 15:04"))
			}})
		})}.command()
}

func (c *cli) adminRemoveCommand() *cobra.Command {
	return leaf{use: "remove NAME", args: exactArgs(1, "the admin's name"),
		short: "Remove an admin and rotate the vault key (every private key re-sealed, one transaction)",
		run: c.unlocked(func(v *engine.Engine, args []string) error {
			n, err := v.RemoveAdmin(c.ctx, args[0])
			if err != nil {
				return err
			}
			return c.reportf(map[string]any{"removed": args[0], "keys_resealed": n},
				"Removed %s and rotated the vault key: %d private keys re-sealed; their slot opens nothing now.\n", args[0], n)
		})}.command()
}
