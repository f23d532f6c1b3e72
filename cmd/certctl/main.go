// Command certctl is Certdesk's headless command line: everything the
// desktop app does, for scripts and terminals.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// The first Ctrl-C cancels cleanly (a bulk issuance then stores
	// nothing); a second one ends the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	e := newEnv()
	e.ctx = ctx
	os.Exit(run(os.Args[1:], e))
}
