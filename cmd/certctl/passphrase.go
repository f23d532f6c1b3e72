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

// secret describes a passphrase certctl asks for: where it may be given,
// and how it is asked for on a terminal.
type secret struct {
	file, variable string             // given in this file, else this variable
	none           string             // the error when neither names one and there is no terminal
	label, what    string             // the prompt, and what the secret is called in errors
	check          func([]byte) error // refuses a typed secret
	again, differ  string             // the second prompt ("": asked once), and the error when the answers differ
}

// ask finds the secret s describes: its file, then its variable, then a
// terminal prompt.
func (c *cli) ask(s secret) ([]byte, error) {
	if p, given, err := c.givenSecret(s.file, s.variable); given {
		return p, err
	}
	if c.prompt == nil {
		return nil, errors.New(s.none)
	}
	p, err := c.askSecret(s.label, s.what)
	if err != nil {
		return nil, err
	}
	if err := s.check(p); err != nil {
		return nil, err
	}
	if s.again == "" {
		return p, nil
	}
	again, err := c.askSecret(s.again, s.what)
	if err != nil {
		return nil, err
	}
	if string(again) != string(p) {
		return nil, errors.New(s.differ)
	}
	return p, nil
}

// passphrase finds the vault passphrase: --passphrase-file, then
// $CERTDESK_PASSPHRASE, then a terminal prompt (asked twice to confirm).
func (c *cli) passphrase(confirm bool) ([]byte, error) {
	s := secret{file: c.passphraseFile, variable: "CERTDESK_PASSPHRASE",
		none:  "no passphrase: set CERTDESK_PASSPHRASE, pass --passphrase-file, or run in a terminal to be asked",
		label: "Vault passphrase: ", what: "passphrase", check: notEmpty}
	if confirm {
		s.again, s.differ = "Repeat the passphrase: ", "the two passphrases differ; nothing was created"
	}
	return c.ask(s)
}

// notEmpty refuses an empty passphrase.
func notEmpty(p []byte) error {
	if len(p) == 0 {
		return errors.New("the passphrase is empty")
	}
	return nil
}

// newPassphrase finds the new passphrase: the file, then
// $CERTDESK_NEW_PASSPHRASE, then a prompt asked twice.
func (c *cli) newPassphrase(file string) ([]byte, error) {
	return c.ask(secret{file: file, variable: "CERTDESK_NEW_PASSPHRASE",
		none:  "no new passphrase: set CERTDESK_NEW_PASSPHRASE, pass --new-passphrase-file, or run in a terminal to be asked",
		label: "New passphrase: ", what: "new passphrase", check: func(p []byte) error { return engine.CheckPassphrase(p) },
		again: "Repeat the new passphrase: ", differ: "the two new passphrases differ; nothing was changed"})
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
