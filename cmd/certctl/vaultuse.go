package main

import (
	"errors"
	"fmt"

	"certdesk/core/engine"
)

// withVault opens the vault for reading, runs fn on it and closes it.
func (c *cli) withVault(fn func(v *engine.Engine) error) error {
	v, err := c.openVault()
	if err != nil {
		return err
	}
	defer v.Close()
	return fn(v)
}

// withUnlockedVault opens and unlocks the vault, runs fn on it and closes it.
func (c *cli) withUnlockedVault(fn func(v *engine.Engine) error) error {
	v, err := c.unlockVault()
	if err != nil {
		return err
	}
	defer v.Close()
	return fn(v)
}

// withCA unlocks the vault, finds the named CA (or the only one), runs fn
// and closes the vault.
func (c *cli) withCA(name string, fn func(v *engine.Engine, ca engine.CA) error) error {
	v, ca, err := c.unlockCA(name)
	if err != nil {
		return err
	}
	defer v.Close()
	return fn(v, ca)
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

// printOr writes value as JSON under --json, and otherwise calls text.
func (c *cli) printOr(value any, text func()) error {
	if c.jsonOut {
		return c.printJSON(value)
	}
	text()
	return nil
}

// printRecord shows a certificate after a change: in full as JSON under
// --json, otherwise the sentence text writes.
func (c *cli) printRecord(v *engine.Engine, rec engine.Record, text func()) error {
	if !c.jsonOut {
		text()
		return nil
	}
	info, err := c.fullInfo(v, rec)
	if err != nil {
		return err
	}
	return c.printJSON(info)
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
