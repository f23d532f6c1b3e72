package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// env is everything certctl takes from its surroundings, so tests can run
// it in-process with their own streams and variables.
type env struct {
	ctx    context.Context // nil: background
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// prompt asks for a secret on the terminal; nil when there is none.
	prompt func(label string) ([]byte, error)
	// showProgress is set when stderr is a terminal: long commands then
	// report how far they are.
	showProgress bool
}

func newEnv() env {
	e := env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv,
		showProgress: term.IsTerminal(int(os.Stderr.Fd()))}
	if term.IsTerminal(int(os.Stdin.Fd())) {
		e.prompt = func(label string) ([]byte, error) {
			fmt.Fprint(os.Stderr, label)
			defer fmt.Fprintln(os.Stderr)
			return term.ReadPassword(int(os.Stdin.Fd()))
		}
	}
	return e
}

// readSecretFile reads a password or passphrase from a file: its first line,
// without the line ending.
func readSecretFile(path string) ([]byte, error) {
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
