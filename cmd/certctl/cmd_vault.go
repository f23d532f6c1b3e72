package main

import (
	"fmt"
	"sort"

	"github.com/spf13/cobra"

	"certdesk/core/engine"
)

func (c *cli) initCommand() *cobra.Command {
	var insecure bool
	cmd := leaf{
		use: "init", args: noArgs,
		short: "Create a new vault",
		run:   func(*cobra.Command, []string) error { return c.createVault(insecure) },
	}.command()
	cmd.Flags().BoolVar(&insecure, "insecure-no-passphrase", false, "make a throwaway demo vault with no passphrase")
	return cmd
}

// createVault creates the vault, protected by a passphrase asked twice
// unless insecure.
func (c *cli) createVault(insecure bool) error {
	path, err := c.path()
	if err != nil {
		return err
	}
	var pass []byte
	if !insecure {
		if pass, err = c.passphrase(true); err != nil {
			return err
		}
	}
	v, err := engine.Create(path, pass, engine.CreateOptions{Insecure: insecure})
	if err != nil {
		return err
	}
	defer v.Close()
	if insecure {
		fmt.Fprintln(c.stderr, "warning: this vault has no passphrase; anyone who can read the file can use its keys. Use it only for demos.")
	}
	return c.reportf(map[string]any{"vault": v.Path(), "insecure": insecure}, "Created vault %s\nNext: certctl ca create NAME\n", v.Path())
}

func (c *cli) passwdCommand() *cobra.Command {
	var newFile string
	cmd := leaf{
		use: "passwd", args: noArgs,
		short: "Change the vault's passphrase (the vault key is re-wrapped in one transaction)",
		long: `Change the vault's passphrase.

The current passphrase comes from --passphrase-file, $CERTDESK_PASSPHRASE or a
prompt; the new one from --new-passphrase-file, $CERTDESK_NEW_PASSPHRASE or a
prompt asked twice. The new passphrase must pass the same strength check as
'certctl init'. The change is one transaction: if it is interrupted, the old
passphrase still works.`,
		run: c.unlocked(func(v *engine.Engine, _ []string) error { return c.changePassphrase(v, newFile) }),
	}.command()
	cmd.Flags().StringVar(&newFile, "new-passphrase-file", "", "read the new passphrase from this file (default $CERTDESK_NEW_PASSPHRASE, else a prompt asked twice)")
	return cmd
}

// changePassphrase re-wraps the unlocked vault's key under the new
// passphrase read from newFile (or the variable, or a prompt).
func (c *cli) changePassphrase(v *engine.Engine, newFile string) error {
	if v.Insecure() {
		return fmt.Errorf("%w: %s is an insecure demo vault; make a protected one with `certctl init`", engine.ErrNoPassphraseVault, v.Path())
	}
	newPass, err := c.newPassphrase(newFile)
	if err != nil {
		return err
	}
	if err := v.ChangePassphrase(c.ctx, newPass); err != nil {
		return err
	}
	return c.reportf(map[string]any{"vault": v.Path(), "passphrase_changed": true},
		"Changed the passphrase of %s. The old one no longer opens it; backups made before keep the old one.\n", v.Path())
}

func (c *cli) rekeyCommand() *cobra.Command {
	return leaf{
		use: "rekey", args: noArgs,
		short: "Draw a new vault key and re-seal every private key under it (one transaction)",
		long: `Draw a new vault key, re-seal every private key under it, recompute
every record's MAC and the audit chain, and wrap the new key under the same
passphrase, all in one transaction. Use it when the vault key may have been
exposed (a memory dump, an old unlocked copy). The vault is checked first;
a vault that fails its check is not rekeyed.`,
		run: func(*cobra.Command, []string) error { return c.withVault(c.rekey) },
	}.command()
}

// rekey unlocks the opened vault and re-seals its keys under a new vault
// key wrapped by the same passphrase.
func (c *cli) rekey(v *engine.Engine) error {
	var pass []byte
	var err error
	if v.Insecure() {
		pass, err = c.givenPassphrase()
	} else {
		pass, err = c.passphrase(false)
	}
	if err != nil {
		return err
	}
	if err := unlockOrExplain(v, pass, "nothing was changed"); err != nil {
		return err
	}
	n, err := v.Rekey(c.ctx, pass)
	if err != nil {
		return err
	}
	return c.reportf(map[string]any{"vault": v.Path(), "keys_resealed": n},
		"New vault key for %s: %d private key(s) re-sealed. Backups made before still use the old key.\n", v.Path(), n)
}

func (c *cli) backupCommand() *cobra.Command {
	return leaf{
		use: "backup FILE", args: exactArgs(1, "the backup FILE to write"),
		short: "Write a consistent copy of the whole vault (keys stay encrypted under the passphrase)",
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
		use: "restore BACKUP", args: exactArgs(1, "the BACKUP file"),
		short: "Check a backup and restore it as the vault at --vault (which must not exist yet)",
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

func (c *cli) migrateCommand() *cobra.Command {
	var to, newFile string
	cmd := leaf{
		use: "migrate --to FILE|postgres://…", args: exactArgs(0, "no arguments (the target is --to)"),
		short: "Copy the vault into a new file or an empty PostgreSQL database (all or nothing, every record compared)",
		long: `Copy the whole vault, keys still sealed, into a new vault file or an empty
PostgreSQL database, in one transaction, then compare every record of the copy
with the vault. The vault itself is not changed. Into PostgreSQL, the role you
connect as becomes the copy's first owner; add the other admins with
'certctl admin add'. The copy keeps the vault's passphrase unless
--new-passphrase-file names another.`,
		run: func(*cobra.Command, []string) error {
			if to == "" {
				return fmt.Errorf("name the target with --to (a new file, or postgres://…)")
			}
			return c.withUnlockedVault(func(v *engine.Engine) error { return c.migrate(v, to, newFile) })
		},
	}.command()
	cmd.Flags().StringVar(&to, "to", "", "the new vault: a file that does not exist yet, or an empty database's postgres:// address")
	cmd.Flags().StringVar(&newFile, "new-passphrase-file", "", "protect the copy with the passphrase in this file instead of the vault's")
	return cmd
}

// migrate copies the unlocked vault to the vault at to, protected by the
// passphrase in newFile or the vault's, and lists what it copied.
func (c *cli) migrate(v *engine.Engine, to, newFile string) error {
	pass, err := c.copyPassphrase(newFile, v.Insecure())
	if err != nil {
		return err
	}
	rep, err := v.MigrateTo(c.ctx, to, pass)
	if err != nil {
		return err
	}
	if c.jsonOut {
		return c.printJSON(rep)
	}
	tables := make([]string, 0, len(rep.Rows))
	for t := range rep.Rows {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	fmt.Fprintf(c.stdout, "Copied %s to %s; every record compared:\n", v.Path(), rep.Target)
	for _, t := range tables {
		fmt.Fprintf(c.stdout, "  %-20s %d\n", t, rep.Rows[t])
	}
	return nil
}
