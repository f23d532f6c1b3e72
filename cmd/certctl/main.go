// Command certctl is Certdesk's headless command line: everything the
// desktop app does, for scripts and terminals.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// stopGrace is how long a command may take to stop cleanly after the first
// SIGINT or SIGTERM (a bulk issuance storing nothing, a server closing its
// connections) before certctl ends it anyway.
const stopGrace = 3 * time.Second

func main() {
	// The first Ctrl-C or SIGTERM cancels: commands that can stop cleanly
	// do (a bulk issuance then stores nothing), reads of files end at once,
	// and whatever still runs after stopGrace is ended. A second signal
	// ends the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	interrupted = ctx.Done()
	e := newEnv()
	e.ctx = ctx
	done := make(chan int, 1)
	go func() { done <- run(os.Args[1:], e) }()
	select {
	case code := <-done:
		os.Exit(code)
	case <-ctx.Done():
	}
	stop()
	select {
	case code := <-done:
		os.Exit(code)
	case <-time.After(stopGrace):
		fmt.Fprintf(os.Stderr, "certctl: stopped: still busy %v after the signal\n", stopGrace)
		os.Exit(exitError)
	}
}
