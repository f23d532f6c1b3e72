package main

import (
	"certdesk/core/engine"
	"fmt"
	"sort"

	"github.com/spf13/cobra"
)

func (c *cli) migrateCommand() *cobra.Command {
	var to, newFile string
	cmd := leaf{
		use:   "migrate --to FILE|postgres://…",
		short: "Copy the vault into a new file or an empty PostgreSQL database (all or nothing, every record compared)",
		long: `Copy the whole vault, keys still sealed, into a new vault file or an empty
PostgreSQL database, in one transaction, then compare every record of the copy
with the vault. The vault itself is not changed. Into PostgreSQL, the role you
connect as becomes the copy's first owner; add the other admins with
'certctl admin add'. The copy keeps the vault's passphrase unless
--new-passphrase-file names another.`,
		args: exactArgs(0, "no arguments (the target is --to)"),
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

// copyPassphrase protects a copy: the file's passphrase, else the vault's.
func (c *cli) copyPassphrase(file string, insecure bool) ([]byte, error) {
	if insecure {
		return nil, nil
	}
	if file != "" {
		return readSecretFile(file)
	}
	return c.passphrase(false)
}
