package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"certdesk/core/engine"
)

func (c *cli) backupCommand() *cobra.Command {
	return leaf{
		use:   "backup FILE",
		short: "Write a consistent copy of the whole vault (keys stay encrypted under the passphrase)",
		args:  exactArgs(1, "the backup FILE to write"),
		run: func(_ *cobra.Command, args []string) error {
			with := c.withVault
			if p, _ := c.path(); engine.IsTeamVault(p) {
				with = c.withUnlockedVault // a team backup carries your slot, opened by your passphrase
			}
			return with(func(v *engine.Engine) error {
				if err := v.Backup(c.ctx, args[0]); err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "Backed up %s to %s. Restore with: certctl restore %s --vault NEW-PATH\n", v.Path(), args[0], args[0])
				return nil
			})
		},
	}.command()
}

func (c *cli) restoreCommand() *cobra.Command {
	return leaf{
		use:   "restore BACKUP",
		short: "Check a backup and restore it as the vault at --vault (which must not exist yet)",
		args:  exactArgs(1, "the BACKUP file"),
		run: func(_ *cobra.Command, args []string) error {
			target, err := c.path()
			if err != nil {
				return err
			}
			if err := engine.Restore(c.ctx, args[0], target, func() ([]byte, error) { return c.passphrase(false) }); err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "Restored %s as %s. Its passphrase is the one the backup was made with.\n", args[0], target)
			return nil
		},
	}.command()
}
