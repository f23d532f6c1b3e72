package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"certdesk/core/engine"
)

func (c *cli) initCommand() *cobra.Command {
	var insecure bool
	cmd := leaf{
		use:   "init",
		short: "Create a new vault",
		args:  noArgs,
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
