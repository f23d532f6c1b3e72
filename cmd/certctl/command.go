package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// runFunc is what a command does, as cobra calls it.
type runFunc = func(cmd *cobra.Command, args []string) error

// leaf describes a command that does one thing: its usage line, its help,
// the arguments it takes and what it runs. Its flags are added to the
// command it makes.
type leaf struct {
	use   string // the usage line, starting with the command's name
	short string // one line in the list of commands
	long  string // the help text ("": short)
	args  cobra.PositionalArgs
	run   runFunc
}

// command makes the cobra command l describes.
func (l leaf) command() *cobra.Command {
	return &cobra.Command{Use: l.use, Short: l.short, Long: l.long, Args: l.args, RunE: l.run}
}

// group makes a command that only holds subcommands (see asGroup).
func group(use, short, long string, subcommands ...*cobra.Command) *cobra.Command {
	cmd := asGroup(&cobra.Command{Use: use, Short: short, Long: long})
	cmd.AddCommand(subcommands...)
	return cmd
}

// asGroup makes a command that only holds subcommands refuse an unknown
// subcommand as a usage error (exit 2) — cobra's own refusal is an untyped
// error — and show its help when called alone.
func asGroup(cmd *cobra.Command) *cobra.Command {
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		return usageError{fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath())}
	}
	return cmd
}

// noArgs refuses any argument; flagsOnly says the command takes flags.
var (
	noArgs    = exactArgs(0, "no arguments")
	flagsOnly = exactArgs(0, "no arguments (use flags)")
)

// exactArgs refuses a call without exactly n arguments (exit 2); what
// names them in the message.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{fmt.Errorf("expected %s, got %d argument(s)", what, len(args))}
		}
		return nil
	}
}

// oneArgOrFlag accepts one argument or, when the flag is given (given
// reports it), none; otherwise it refuses with the usage error msg.
func oneArgOrFlag(given func() bool, msg string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if (len(args) == 1) == given() || len(args) > 1 {
			return usageError{errors.New(msg)}
		}
		return nil
	}
}
