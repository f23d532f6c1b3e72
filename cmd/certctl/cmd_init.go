package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"certdesk/core/engine"
)

func (c *cli) initCommand() *cobra.Command {
	var insecure bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create a new vault",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
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
			if c.jsonOut {
				return c.printJSON(map[string]any{"vault": v.Path(), "insecure": insecure})
			}
			fmt.Fprintf(c.stdout, "Created vault %s\nNext: certctl ca create NAME\n", v.Path())
			return nil
		},
	}
	cmd.Flags().BoolVar(&insecure, "insecure-no-passphrase", false, "make a throwaway demo vault with no passphrase")
	return cmd
}
