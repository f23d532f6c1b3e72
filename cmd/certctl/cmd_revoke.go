package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"certdesk/core/engine"
	"certdesk/core/pki"
	"certdesk/core/verdict"
)

func (c *cli) revokeCommand() *cobra.Command {
	var reasonName, fingerprint, note string
	var seen int64
	cmd := leaf{
		use: "revoke (REF | --fingerprint SHA256) [--reason R] [--if-version N]", args: oneArgOrFlag(func() bool { return fingerprint != "" }, "give one REF, or --fingerprint SHA256"),
		short: "Revoke a vault certificate, or deny a certificate from elsewhere by its SHA-256 fingerprint",
		run: func(_ *cobra.Command, args []string) error {
			reason, err := engine.ParseReason(reasonName)
			if err != nil {
				return usageError{err}
			}
			return c.withUnlockedVault(func(v *engine.Engine) error {
				if fingerprint != "" {
					return c.revokeFingerprint(v, fingerprint, reason, note, seen)
				}
				return c.revokeRef(v, args[0], reason, seen)
			})
		},
	}.command()
	cmd.Flags().StringVar(&reasonName, "reason", "unspecified", "RFC 5280 reason: keyCompromise, superseded, cessationOfOperation, affiliationChanged, certificateHold, privilegeWithdrawn, unspecified")
	cmd.Flags().StringVar(&fingerprint, "fingerprint", "", "SHA-256 fingerprint of a certificate from elsewhere (any common form)")
	cmd.Flags().StringVar(&note, "note", "", "a note kept with a fingerprint denial")
	cmd.Flags().Int64Var(&seen, "if-version", 0, ifVersionHelp)
	return cmd
}

// revokeFingerprint revokes the vault certificate with this SHA-256
// fingerprint, or denies a certificate from elsewhere by it.
func (c *cli) revokeFingerprint(v *engine.Engine, fingerprint string, reason int, note string, seen int64) error {
	fp, err := pki.ParseFingerprintSHA256(fingerprint)
	if err != nil {
		return usageError{err}
	}
	if rec, err := v.Find(c.ctx, fp); err == nil && rec.CAID != 0 && rec.Kind != engine.KindCA {
		return c.revokeRef(v, fmt.Sprint(rec.ID), reason, seen) // a vault certificate: revoke it properly
	}
	d, err := v.DenyFingerprint(c.ctx, fp, reason, note)
	if err != nil {
		return err
	}
	return c.reportf(d, "Denied %s (%s). The test server refuses it from the next handshake; CRLs cannot list it (it is not from this vault).\n", d.FingerprintSHA256, d.Reason)
}

// revokeRef revokes the vault certificate ref names.
func (c *cli) revokeRef(v *engine.Engine, ref string, reason int, seen int64) error {
	rec, err := v.Find(c.ctx, ref)
	if err != nil {
		return err
	}
	if rec, err = v.RevokeIfUnchanged(c.ctx, rec.ID, reason, seen); err != nil {
		return err
	}
	return c.printRecord(v, rec, func() {
		fmt.Fprintf(c.stdout, "Revoked %q (serial %s, reason %s).\nPublish a new CRL so servers learn of it: certctl crl --ca %q --out crl.pem\n",
			rec.CommonName, rec.Serial, engine.ReasonName(rec.RevocationReason), rec.CAName)
	})
}

func (c *cli) unrevokeCommand() *cobra.Command {
	var seen int64
	cmd := leaf{use: "unrevoke REF [--if-version N]", args: exactArgs(1, "one REF or fingerprint"),
		short: "Undo a revocation made by mistake (or take a fingerprint off the deny-list)",
		run:   c.unlocked(func(v *engine.Engine, args []string) error { return c.unrevoke(v, args[0], seen) })}.command()
	cmd.Flags().Int64Var(&seen, "if-version", 0, ifVersionHelp)
	return cmd
}

// ifVersionHelp explains --if-version, which scripts give to act only on
// what they looked at.
const ifVersionHelp = "act only if the record is still at this version (show --json gives it); refused, with who changed it, if it changed since"

// unrevoke undoes the revocation of the certificate ref names, or takes a
// fingerprint off the deny-list.
func (c *cli) unrevoke(v *engine.Engine, ref string, seen int64) error {
	rec, err := v.Find(c.ctx, ref)
	if errors.Is(err, engine.ErrNotFound) {
		if ferr := v.AllowFingerprintIfUnchanged(c.ctx, ref, seen); ferr == nil || errors.Is(ferr, engine.ErrConflict) {
			if ferr != nil {
				return ferr
			}
			fmt.Fprintf(c.stdout, "Took %s off the deny-list.\n", ref)
			return nil
		}
	}
	if err != nil {
		return err
	}
	if rec, err = v.UnrevokeIfUnchanged(c.ctx, rec.ID, seen); err != nil {
		return err
	}
	return c.printRecord(v, rec, func() {
		fmt.Fprintf(c.stdout, "Unrevoked %q. CRLs already published still list it until the next one: certctl crl --ca %q --out crl.pem\n", rec.CommonName, rec.CAName)
	})
}

// crlFlags are crl's options as typed.
type crlFlags struct {
	caName, format string
	out            outFlags
	days           int
}

func (c *cli) crlCommand() *cobra.Command {
	var f crlFlags
	cmd := leaf{
		use: "crl --ca NAME [--format pem|der] --out FILE", args: flagsOnly,
		short: "Sign and write the CA's next CRL (numbered, valid 30 days by default)",
		run: func(*cobra.Command, []string) error {
			if f.format != "pem" && f.format != "der" {
				return usageError{fmt.Errorf("unknown CRL format %q: use pem or der", f.format)}
			}
			if f.out.path == "" {
				return usageError{errors.New("say where to write with --out FILE")}
			}
			if err := checkDays("--days", f.days); err != nil {
				return err
			}
			return c.withCA(f.caName, func(v *engine.Engine, ca engine.CA) error { return c.writeCRL(v, ca, f) })
		},
	}.command()
	caFlag(cmd, &f.caName, "the CA")
	cmd.Flags().StringVar(&f.format, "format", "pem", "pem or der")
	f.out.register(cmd, "file to write")
	cmd.Flags().IntVar(&f.days, "days", 30, "days until the next update")
	return cmd
}

// writeCRL signs ca's next CRL and writes it as f says.
func (c *cli) writeCRL(v *engine.Engine, ca engine.CA, f crlFlags) error {
	crl, err := v.WriteCRL(c.ctx, ca, time.Duration(f.days)*24*time.Hour, f.out.path, f.format == "der", f.out.force)
	if errors.Is(err, engine.ErrFileExists) {
		return fmt.Errorf("%w (pass --force to replace it)", err)
	} else if err != nil {
		return err
	}
	return c.reportf(map[string]any{"file": f.out.path, "ca": ca.Name, "crl_number": crl.Number,
		"this_update": crl.ThisUpdate, "next_update": crl.NextUpdate, "revoked": crl.Entries},
		"Wrote CRL #%d of %q to %s: %d revoked, valid until %s.\nServers read it only at (re)load, and refuse everyone once it expires: publish again before then.\n",
		crl.Number, ca.Name, f.out.path, crl.Entries, crl.NextUpdate.Format(dateTime))
}

// verifyFlags are verify's options as typed.
type verifyFlags struct {
	caName, trustFile, untrustedFile string
	crlFiles                         []string
	depth                            int
}

func (c *cli) verifyCommand() *cobra.Command {
	var f verifyFlags
	cmd := leaf{
		use: "verify FILE [--ca NAME | --trust CAFILE [--untrusted FILE] [--crl FILE]] [--depth N]", args: exactArgs(1, "one FILE"),
		short: "Judge a client certificate as nginx would (exit 3 when refused)",
		long: "Judge a client certificate as the test server and nginx would. With --trust it needs no vault and\n" +
			"works like openssl verify: the trusted CAs, extra untrusted certificates, CRLs (every certificate of\n" +
			"the chain then needs one, as with nginx's ssl_crl) and the verify depth (nginx's ssl_verify_depth).",
		run: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("depth") && f.trustFile == "" {
				f.depth = 0 // the vault's default for each CA
			}
			return c.verify(args[0], f)
		},
	}.command()
	cmd.Flags().StringVar(&f.caName, "ca", "", "trust only this CA of the vault (default: every CA in the vault)")
	cmd.Flags().StringVar(&f.trustFile, "trust", "", "trusted CA certificates (PEM or DER), instead of the vault")
	cmd.Flags().StringVar(&f.untrustedFile, "untrusted", "", "more certificates sent along with FILE (intermediates)")
	cmd.Flags().StringArrayVar(&f.crlFiles, "crl", nil, "a CRL file (PEM or DER; repeatable; needs --trust)")
	cmd.Flags().IntVar(&f.depth, "depth", verdict.DefaultDepth, "verify depth: CAs allowed between the certificate and the root (nginx's ssl_verify_depth)")
	return cmd
}

// errRefused is exit 3: the client would not be let in (the verdict is
// already on stdout).
var errRefused = exitCodeError{code: exitNotAllowed, err: errors.New("")}

// verify judges the certificate in file against the trust files or the
// vault, as f says, and shows the verdict.
func (c *cli) verify(file string, f verifyFlags) error {
	data, err := readInput(file)
	if err != nil {
		return err
	}
	var untrusted []byte
	if f.untrustedFile != "" {
		if untrusted, err = readInput(f.untrustedFile); err != nil {
			return err
		}
	}
	var res verdict.Result
	if f.trustFile != "" {
		if res, err = c.verifyWithFiles(data, untrusted, f.trustFile, f.crlFiles, f.depth); err != nil {
			return err
		}
	} else {
		if len(f.crlFiles) > 0 {
			return usageError{errors.New("--crl needs --trust (the vault's own revocations are always applied)")}
		}
		if res, err = c.verifyWithVault(engine.VerifyRequest{Data: data, Untrusted: untrusted, Depth: f.depth}, f.caName); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	if err := c.printOr(res, func() { printVerdict(c.stdout, res) }); err != nil {
		return err
	}
	if !res.Verdict.Allowed() {
		return errRefused
	}
	return nil
}

// verifyWithFiles judges against trust files, without a vault.
func (c *cli) verifyWithFiles(data, untrusted []byte, trustFile string, crlFiles []string, depth int) (verdict.Result, error) {
	trust, err := readInput(trustFile)
	if err != nil {
		return verdict.Result{}, err
	}
	f := verdict.Files{Cert: data, Untrusted: untrusted, Trust: trust, Depth: depth}
	for _, name := range crlFiles {
		crl, err := readInput(name)
		if err != nil {
			return verdict.Result{}, err
		}
		f.CRLs = append(f.CRLs, crl)
	}
	return engine.VerifyFiles(f)
}

// verifyWithVault judges against the vault's CAs and revocations.
func (c *cli) verifyWithVault(req engine.VerifyRequest, caName string) (verdict.Result, error) {
	v, err := c.openForTrust()
	if err != nil {
		return verdict.Result{}, err
	}
	defer v.Close()
	if caName != "" {
		if req.CA, err = v.CAByName(c.ctx, caName); err != nil {
			return verdict.Result{}, err
		}
	}
	return v.Verify(c.ctx, req)
}
