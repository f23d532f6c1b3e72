package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"certdesk/core/engine"
)

// passphrase finds the vault passphrase: --passphrase-file, then
// $CERTDESK_PASSPHRASE, then a terminal prompt.
func (c *cli) passphrase(confirm bool) ([]byte, error) {
	if p, given, err := c.givenSecret(c.passphraseFile, "CERTDESK_PASSPHRASE"); given {
		return p, err
	}
	if c.prompt == nil {
		return nil, errors.New("no passphrase: set CERTDESK_PASSPHRASE, pass --passphrase-file, or run in a terminal to be asked")
	}
	p, err := c.askSecret("Vault passphrase: ", "passphrase")
	if err != nil {
		return nil, err
	}
	if len(p) == 0 {
		return nil, errors.New("the passphrase is empty")
	}
	if confirm {
		if err := c.askAgain(p, "Repeat the passphrase: ", "passphrase", "the two passphrases differ; nothing was created"); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// givenSecret reads a secret from file, else from the environment variable;
// given is false when neither names one.
func (c *cli) givenSecret(file, variable string) (p []byte, given bool, err error) {
	if file != "" {
		p, err = readSecretFile(file)
		return p, true, err
	}
	if v := c.getenv(variable); v != "" {
		return []byte(v), true, nil
	}
	return nil, false, nil
}

// askSecret prompts for a secret; what names it in the error.
func (c *cli) askSecret(label, what string) ([]byte, error) {
	p, err := c.prompt(label)
	if err != nil {
		return nil, fmt.Errorf("reading the %s: %w", what, err)
	}
	return p, nil
}

// askAgain prompts for the secret p a second time and refuses a different
// answer with the message differ.
func (c *cli) askAgain(p []byte, label, what, differ string) error {
	again, err := c.askSecret(label, what)
	if err != nil {
		return err
	}
	if string(again) != string(p) {
		return errors.New(differ)
	}
	return nil
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

// optionalSecretFile reads a password file when one is named; nil when
// path is empty.
func optionalSecretFile(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	return readSecretFile(path)
}

// readSecretFile reads a password or passphrase from a file: its first line,
// without the line ending.
func readSecretFile(path string) ([]byte, error) {
	b, err := untilInterrupted(func() ([]byte, error) { return readSecretFileNow(path) })
	if errors.Is(err, errInterrupted) {
		return nil, fmt.Errorf("reading the password file %s: %w", path, err)
	}
	return b, err
}

func readSecretFileNow(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the password file: %w", err)
	}
	defer f.Close()
	line, err := bufio.NewReader(io.LimitReader(f, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading the password file: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return nil, fmt.Errorf("the password file %s is empty", path)
	}
	return []byte(line), nil
}
