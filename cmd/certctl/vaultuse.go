package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"certdesk/core/engine"
)

// engineFunc is a command's work on the opened vault, with its arguments.
type engineFunc = func(v *engine.Engine, args []string) error

// reading runs fn on the vault opened for reading.
func (c *cli) reading(fn engineFunc) runFunc {
	return func(_ *cobra.Command, args []string) error {
		return c.withVault(func(v *engine.Engine) error { return fn(v, args) })
	}
}

// unlocked runs fn on the opened and unlocked vault.
func (c *cli) unlocked(fn engineFunc) runFunc {
	return func(_ *cobra.Command, args []string) error {
		return c.withUnlockedVault(func(v *engine.Engine) error { return fn(v, args) })
	}
}

// withVault opens the vault for reading, runs fn on it and closes it.
func (c *cli) withVault(fn func(v *engine.Engine) error) error {
	return c.using(c.openVault, fn)
}

// withUnlockedVault opens and unlocks the vault, runs fn on it and closes it.
func (c *cli) withUnlockedVault(fn func(v *engine.Engine) error) error {
	return c.using(c.unlockVault, fn)
}

// using opens the vault with open, runs fn on it and closes it.
func (c *cli) using(open func() (*engine.Engine, error), fn func(v *engine.Engine) error) error {
	v, err := open()
	if err != nil {
		return err
	}
	defer v.Close()
	return fn(v)
}

// withCA unlocks the vault, finds the named CA (or the only one), runs fn
// and closes the vault.
func (c *cli) withCA(name string, fn func(v *engine.Engine, ca engine.CA) error) error {
	return c.withUnlockedVault(func(v *engine.Engine) error {
		ca, err := c.pickCA(v, name)
		if err != nil {
			return err
		}
		return fn(v, ca)
	})
}

// pickCA finds the CA by name, or the vault's only CA when name is "".
func (c *cli) pickCA(v *engine.Engine, name string) (engine.CA, error) {
	if name == "" {
		return v.DefaultCA(c.ctx)
	}
	return v.CAByName(c.ctx, name)
}

// unlockOrExplain unlocks an opened vault with pass; a wrong passphrase is
// named with the vault's path and what it means (consequence, when given,
// such as "nothing was changed").
func unlockOrExplain(v *engine.Engine, pass []byte, consequence string) error {
	err := v.Unlock(pass)
	if errors.Is(err, engine.ErrWrongPassphrase) {
		if consequence == "" {
			return fmt.Errorf("%w for %s", err, v.Path())
		}
		return fmt.Errorf("%w for %s: %s", err, v.Path(), consequence)
	}
	return err
}

// checkDays refuses a number of days outside 1 to 3650 for flag (exit 2).
func checkDays(flag string, days int) error {
	if days < 1 || days > 3650 {
		return usageError{fmt.Errorf("%s %d is out of range: give 1 to 3650", flag, days)}
	}
	return nil
}

// openVault opens the vault for reading; no passphrase is needed.
func (c *cli) openVault() (*engine.Engine, error) {
	p, err := c.path()
	if err != nil {
		return nil, err
	}
	v, err := engine.Open(p)
	if err != nil {
		return nil, err
	}
	v.SetActor(engine.DefaultActor("certctl"))
	for _, w := range v.Warnings() {
		fmt.Fprintln(c.stderr, "warning:", w)
	}
	if v.Insecure() {
		// Unlocking costs nothing without a passphrase, and lets every
		// read check records against their MACs. A passphrase given to a
		// vault that has none is an error: the user believes the keys are
		// protected. Other failures surface when a key is needed.
		pass, err := c.givenPassphrase()
		if err == nil {
			err = v.Unlock(pass)
		}
		if err != nil && (pass != nil || errors.Is(err, engine.ErrNoPassphraseVault)) {
			v.Close()
			return nil, err
		}
	}
	return v, nil
}

// givenPassphrase is the passphrase the user gave explicitly (file or
// variable), without prompting; nil when none.
func (c *cli) givenPassphrase() ([]byte, error) {
	if c.passphraseFile == "" && c.getenv("CERTDESK_PASSPHRASE") == "" {
		return nil, nil
	}
	return c.passphrase(false)
}

// unlockVault opens the vault and unlocks its keys.
func (c *cli) unlockVault() (*engine.Engine, error) {
	v, err := c.openVault()
	if err != nil {
		return nil, err
	}
	if v.Insecure() {
		if !v.Unlocked() {
			err := v.Unlock(nil)
			if err != nil {
				v.Close()
				return nil, err
			}
		}
		return v, nil
	}
	pass, err := c.passphrase(false)
	if err != nil {
		v.Close()
		return nil, err
	}
	if err := unlockOrExplain(v, pass, "nothing was changed"); err != nil {
		v.Close()
		return nil, err
	}
	return v, nil
}

// withReadableVault opens the vault as openForReading does, runs fn with
// why its keys stayed locked (nil when they did not), and closes it.
func (c *cli) withReadableVault(fn func(v *engine.Engine, locked error) error) error {
	v, locked, err := c.openForReading()
	if err != nil {
		return err
	}
	defer v.Close()
	return fn(v, locked)
}

// openForReading opens the vault and unlocks it when it can: an insecure
// vault always, a protected one when a passphrase is at hand. A vault
// whose key material is damaged stays locked; the error says why.
func (c *cli) openForReading() (*engine.Engine, error, error) {
	v, err := c.openVault()
	if err != nil {
		return nil, nil, err
	}
	var pass []byte
	if !v.Insecure() {
		if pass, err = c.passphrase(false); err != nil {
			fmt.Fprintf(c.stderr, "note: %v; checking without it (fingerprints only, no MACs, no audit chain)\n", err)
			return v, nil, nil
		}
	} else if pass, err = c.givenPassphrase(); err != nil {
		v.Close()
		return nil, nil, err
	}
	if err := unlockOrExplain(v, pass, "nothing was checked"); err != nil {
		if errors.Is(err, engine.ErrDamaged) {
			return v, err, nil
		}
		v.Close()
		return nil, nil, err
	}
	return v, nil, nil
}

// openForTrust opens the vault for a command that hands out certificates
// or trust without needing a private key (export of certificates, verify
// --ca). It unlocks the vault when that costs no prompt (an insecure vault,
// or a passphrase in --passphrase-file or $CERTDESK_PASSPHRASE), so that
// records are authenticated by their MACs; otherwise it says on stderr that
// they are checked against their fingerprints only.
func (c *cli) openForTrust() (*engine.Engine, error) {
	v, err := c.openVault()
	if err != nil {
		return nil, err
	}
	if v.Unlocked() {
		return v, nil
	}
	pass, err := c.givenPassphrase()
	if err == nil && pass != nil {
		if err := unlockOrExplain(v, pass, ""); err != nil {
			v.Close()
			return nil, err
		}
		return v, nil
	}
	fmt.Fprintln(c.stderr, "note: no passphrase given, so the vault's records were checked against their fingerprints only, not authenticated; set CERTDESK_PASSPHRASE or --passphrase-file to authenticate them")
	return v, nil
}
