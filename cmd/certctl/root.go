package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"certdesk/core/engine"
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

// rootCommand builds the whole command tree.
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
	root.AddCommand(c.initCommand(),
		group("ca", "Create, import and list certificate authorities", "",
			c.caCreateCommand(), c.caImportCommand(), c.caListCommand(),
			c.caInstallCertCommand(), c.caSignIntermediateCommand(), c.caPendingCommand(), c.caTreeCommand()),
		c.issueCommand(), c.signCommand(),
		c.listCommand(), c.showCommand(), c.inspectCommand(), c.exportCommand(),
		c.revokeCommand(), c.unrevokeCommand(), c.crlCommand(), c.verifyCommand(),
		c.serveCommand(), c.tryCommand(), c.backupCommand(), c.restoreCommand(), c.bulkCommand(),
		c.renewCommand(), c.reminderCommand(), c.deployCommand(),
		group("pki", "Move a CA's whole PKI to and from easy-rsa, openssl ca and XCA", "",
			c.pkiExportCommand(), c.pkiImportCommand()),
		group("profile", "Manage issuance profiles (saved defaults for issue)", "",
			c.profileAddCommand(), c.profileListCommand(), c.profileRemoveCommand(), c.profileDefaultCommand()))
	root.AddCommand(c.checkCommand(), c.logCommand(), c.passwdCommand(), c.rekeyCommand(),
		group("admin", "Manage the admins of a team vault (postgres://…)", adminHelp,
			c.adminAddCommand(), c.adminListCommand(), c.adminMeCommand(), c.adminRemoveCommand()),
		c.migrateCommand())
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
