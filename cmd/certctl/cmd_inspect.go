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
	cmd := leaf{
		use: "inspect FILE [--password-file F]", args: exactArgs(1, "one FILE"),
		short: "Explain any certificate, CSR, CRL, key or PKCS#12 file (no vault needed)",
		run:   func(_ *cobra.Command, args []string) error { return c.inspect(args[0], passwordFile) },
	}.command()
	cmd.Flags().StringVar(&passwordFile, "password-file", "", "password of a PKCS#12 file or encrypted key")
	return cmd
}

// inspect explains what the file holds, with the password in passwordFile
// (or one asked for, when needed and a terminal is there).
func (c *cli) inspect(file, passwordFile string) error {
	data, err := readInput(file)
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
	if errors.Is(err, pki.ErrPasswordNeeded) {
		return fmt.Errorf("%s: %w; pass --password-file", file, err)
	} else if err != nil {
		return fmt.Errorf("%s: %w", file, err)
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
}
