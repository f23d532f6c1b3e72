package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"certdesk/core/engine"
	"certdesk/core/input"
)

// Exit codes of the certctl contract.
const (
	exitOK         = 0
	exitError      = 1
	exitUsage      = 2
	exitNotAllowed = 3 // verify: the verdict is not ok
)

// usageError marks a mistake in how certctl was called (exit 2).
type usageError struct{ error }

// exitCodeError carries a specific exit code with its message.
type exitCodeError struct {
	code int
	err  error
}

func (e exitCodeError) Error() string { return e.err.Error() }

// cli holds the global flags and the streams of one run.
type cli struct {
	env
	vaultPath      string
	passphraseFile string
	jsonOut        bool
	ctx            context.Context
}

func run(args []string, e env) int {
	ctx := e.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	c := &cli{env: e, ctx: ctx}
	root := c.rootCommand()
	root.SetArgs(args)
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var code exitCodeError
	if errors.As(err, &code) {
		if code.err != nil && code.err.Error() != "" {
			fmt.Fprintln(e.stderr, "certctl:", termText(code.err.Error(), maxLineRunes))
		}
		return code.code
	}
	fmt.Fprintln(e.stderr, "certctl:", termText(err.Error(), maxLineRunes))
	var usage usageError
	if errors.As(err, &usage) {
		fmt.Fprintln(e.stderr, "Run 'certctl --help' for usage.")
		return exitUsage
	}
	return exitError
}

func (c *cli) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "certctl",
		Short:         "Certdesk's command line: CAs, client certificates, exports, revocation and a live mTLS test server",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&c.vaultPath, "vault", "", "vault file, or a team vault's postgres:// address (default $CERTDESK_VAULT, else the user's config folder)")
	root.PersistentFlags().StringVar(&c.passphraseFile, "passphrase-file", "", "read the vault passphrase from this file (default $CERTDESK_PASSPHRASE, else a prompt)")
	root.PersistentFlags().BoolVar(&c.jsonOut, "json", false, "machine-readable JSON output")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	asGroup(root)
	root.AddCommand(c.initCommand(), c.caCommand(), c.issueCommand(), c.signCommand(),
		c.listCommand(), c.showCommand(), c.inspectCommand(), c.exportCommand(),
		c.revokeCommand(), c.unrevokeCommand(), c.crlCommand(), c.verifyCommand(),
		c.serveCommand(), c.tryCommand(), c.backupCommand(), c.restoreCommand(), c.bulkCommand(),
		c.renewCommand(), c.reminderCommand(), c.deployCommand(), c.pkiCommand(), c.profileCommand())
	root.AddCommand(c.checkCommand(), c.logCommand(), c.passwdCommand(), c.rekeyCommand(), c.adminCommand(), c.migrateCommand())
	return root
}

// path resolves the vault file.
func (c *cli) path() (string, error) {
	if c.vaultPath != "" {
		return c.vaultPath, nil
	}
	if p := c.getenv("CERTDESK_VAULT"); p != "" {
		return p, nil
	}
	return engine.DefaultPath()
}

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

// openVault opens the vault for reading; no passphrase is needed.
func (c *cli) openVault() (*engine.Engine, error) {
	p, err := c.path()
	if err != nil {
		return nil, err
	}
	v, err := engine.Open(p)
	if err != nil {
		return nil, err
	}
	v.SetActor(engine.DefaultActor("certctl"))
	for _, w := range v.Warnings() {
		fmt.Fprintln(c.stderr, "warning:", w)
	}
	if v.Insecure() {
		// Unlocking costs nothing without a passphrase, and lets every
		// read check records against their MACs. A passphrase given to a
		// vault that has none is an error: the user believes the keys are
		// protected. Other failures surface when a key is needed.
		pass, err := c.givenPassphrase()
		if err == nil {
			err = v.Unlock(pass)
		}
		if err != nil && (pass != nil || errors.Is(err, engine.ErrNoPassphraseVault)) {
			v.Close()
			return nil, err
		}
	}
	return v, nil
}

// givenPassphrase is the passphrase the user gave explicitly (file or
// variable), without prompting; nil when none.
func (c *cli) givenPassphrase() ([]byte, error) {
	if c.passphraseFile == "" && c.getenv("CERTDESK_PASSPHRASE") == "" {
		return nil, nil
	}
	return c.passphrase(false)
}

// unlockVault opens the vault and unlocks its keys.
func (c *cli) unlockVault() (*engine.Engine, error) {
	v, err := c.openVault()
	if err != nil {
		return nil, err
	}
	if v.Insecure() {
		if !v.Unlocked() {
			err := v.Unlock(nil)
			if err != nil {
				v.Close()
				return nil, err
			}
		}
		return v, nil
	}
	pass, err := c.passphrase(false)
	if err != nil {
		v.Close()
		return nil, err
	}
	if err := unlockOrExplain(v, pass, "nothing was changed"); err != nil {
		v.Close()
		return nil, err
	}
	return v, nil
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
