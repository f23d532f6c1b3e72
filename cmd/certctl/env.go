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
	if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
		e.prompt = func(label string) ([]byte, error) {
			fmt.Fprint(os.Stderr, label)
			defer fmt.Fprintln(os.Stderr)
			// A signal while asking puts the terminal back as it was
			// (echo on) before certctl stops.
			state, err := term.GetState(fd)
			if err != nil {
				return nil, err
			}
			b, err := untilInterrupted(func() ([]byte, error) { return term.ReadPassword(fd) })
			if errors.Is(err, errInterrupted) {
				term.Restore(fd, state)
			}
			return b, err
		}
	}
	return e
}

// interrupted is closed on the first SIGINT or SIGTERM. main sets it once,
// before any command runs; in-process tests leave it nil (never closed).
var interrupted <-chan struct{}

// errInterrupted ends a read that a signal cut short.
var errInterrupted = errors.New("interrupted by a signal")

// untilInterrupted runs a blocking read (a file that may be a FIFO nobody
// writes to, a terminal prompt) and gives up on it at the first signal.
func untilInterrupted(read func() ([]byte, error)) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := read()
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		return r.b, r.err
	case <-interrupted:
		return nil, errInterrupted
	}
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
