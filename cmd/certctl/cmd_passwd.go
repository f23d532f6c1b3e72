package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"certdesk/core/engine"
)

func (c *cli) passwdCommand() *cobra.Command {
	var newFile string
	cmd := leaf{
		use:   "passwd",
		short: "Change the vault's passphrase (the vault key is re-wrapped in one transaction)",
		long: `Change the vault's passphrase.

The current passphrase comes from --passphrase-file, $CERTDESK_PASSPHRASE or a
prompt; the new one from --new-passphrase-file, $CERTDESK_NEW_PASSPHRASE or a
prompt asked twice. The new passphrase must pass the same strength check as
'certctl init'. The change is one transaction: if it is interrupted, the old
passphrase still works.`,
		args: noArgs,
		run:  c.unlocked(func(v *engine.Engine, _ []string) error { return c.changePassphrase(v, newFile) }),
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

// newPassphrase finds the new passphrase: the file, then
// $CERTDESK_NEW_PASSPHRASE, then a prompt asked twice.
func (c *cli) newPassphrase(file string) ([]byte, error) {
	if p, given, err := c.givenSecret(file, "CERTDESK_NEW_PASSPHRASE"); given {
		return p, err
	}
	if c.prompt == nil {
		return nil, errors.New("no new passphrase: set CERTDESK_NEW_PASSPHRASE, pass --new-passphrase-file, or run in a terminal to be asked")
	}
	p, err := c.askSecret("New passphrase: ", "new passphrase")
	if err != nil {
		return nil, err
	}
	if err := engine.CheckPassphrase(p); err != nil {
		return nil, err
	}
	if err := c.askAgain(p, "Repeat the new passphrase: ", "new passphrase", "the two new passphrases differ; nothing was changed"); err != nil {
		return nil, err
	}
	return p, nil
}

func (c *cli) rekeyCommand() *cobra.Command {
	return leaf{
		use:   "rekey",
		short: "Draw a new vault key and re-seal every private key under it (one transaction)",
		long: `Draw a new vault key, re-seal every private key under it, recompute
every record's MAC and the audit chain, and wrap the new key under the same
passphrase, all in one transaction. Use it when the vault key may have been
exposed (a memory dump, an old unlocked copy). The vault is checked first;
a vault that fails its check is not rekeyed.`,
		args: noArgs,
		run:  func(*cobra.Command, []string) error { return c.withVault(c.rekey) },
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
