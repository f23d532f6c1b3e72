package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"certdesk/core/inspect"
	"certdesk/core/pki"
)

func (c *cli) inspectCommand() *cobra.Command {
	var passwordFile string
	cmd := &cobra.Command{
		Use:   "inspect FILE [--password-file F]",
		Short: "Explain any certificate, CSR, CRL, key or PKCS#12 file (no vault needed)",
		Args:  exactArgs(1, "one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readInput(args[0])
			if err != nil {
				return err
			}
			password, err := optionalSecretFile(passwordFile)
			if err != nil {
				return err
			}
			items, err := inspect.Inspect(data, inspect.Options{Password: password})
			if errors.Is(err, pki.ErrPasswordNeeded) && password == nil && c.prompt != nil {
				if password, err = c.prompt("Password: "); err != nil {
					return err
				}
				items, err = inspect.Inspect(data, inspect.Options{Password: password})
			}
			if err != nil {
				if errors.Is(err, pki.ErrPasswordNeeded) {
					return fmt.Errorf("%s: %w; pass --password-file", args[0], err)
				}
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if c.jsonOut {
				if len(items) == 1 {
					return c.printJSON(items[0])
				}
				return c.printJSON(items)
			}
			for i, it := range items {
				if i > 0 {
					fmt.Fprintln(c.stdout)
				}
				printItem(c.stdout, it)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&passwordFile, "password-file", "", "password of a PKCS#12 file or encrypted key")
	return cmd
}
