package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"certdesk/core/input"
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

// readInput reads a file named by the user, refusing huge ones; a signal
// ends the read (a FIFO nobody writes to).
func readInput(path string) ([]byte, error) {
	return readLimited(path, input.MaxSize, "certificate files are far smaller")
}

// readLimited reads at most limit bytes of a file named by the user, until
// a signal.
func readLimited(path string, limit int64, hint string) ([]byte, error) {
	b, err := untilInterrupted(func() ([]byte, error) { return readLimitedNow(path, limit, hint) })
	if errors.Is(err, errInterrupted) {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return b, err
}

func readLimitedNow(path string, limit int64, hint string) ([]byte, error) {
	data, err := input.ReadFileUpTo(path, limit)
	if errors.Is(err, input.ErrTooLarge) {
		return nil, fmt.Errorf("%w; %s", err, hint)
	}
	return data, err
}
