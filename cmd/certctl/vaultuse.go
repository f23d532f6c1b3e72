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

// optionalSecretFile reads a password file when one is named; nil when
// path is empty.
func optionalSecretFile(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	return readSecretFile(path)
}

// checkDays refuses a number of days outside 1 to 3650 for flag (exit 2).
func checkDays(flag string, days int) error {
	if days < 1 || days > 3650 {
		return usageError{fmt.Errorf("%s %d is out of range: give 1 to 3650", flag, days)}
	}
	return nil
}
