package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"certdesk/core/engine"
	"certdesk/core/export"
)

// exportFlags are export's options as typed.
type exportFlags struct {
	format, preset, passwordFile string
	out                          outFlags
}

func (c *cli) exportCommand() *cobra.Command {
	var f exportFlags
	cmd := leaf{
		use: "export REF --format pem|der|key|bundle|chain|p12 --out FILE", args: exactArgs(1, "one REF"),
		short: "Write a certificate, its key, a curl bundle, its chain or a PKCS#12 file",
		run:   func(cmd *cobra.Command, args []string) error { return c.runExport(f, args[0]) },
	}.command()
	cmd.Flags().StringVar(&f.format, "format", "pem", "pem, der, key, bundle (cert+key for curl -E), chain, or p12")
	cmd.Flags().StringVar(&f.preset, "preset", "compatible", "PKCS#12 preset: compatible (macOS, Windows, Android, browsers) or modern (AES-256)")
	cmd.Flags().StringVar(&f.passwordFile, "password-file", "", "password for p12 (default: generate one) or to encrypt a key")
	f.out.register(cmd, "file to write")
	return cmd
}

// exportRequest checks export's flags and reads the password file.
func exportRequest(f exportFlags) (engine.ExportRequest, error) {
	format, err := export.ParseFormat(f.format)
	if err != nil {
		return engine.ExportRequest{}, usageError{err}
	}
	preset, err := export.ParsePreset(f.preset)
	if err != nil {
		return engine.ExportRequest{}, usageError{err}
	}
	if f.out.path == "" {
		return engine.ExportRequest{}, usageError{errors.New("say where to write with --out FILE")}
	}
	password, err := optionalSecretFile(f.passwordFile)
	if err != nil {
		return engine.ExportRequest{}, err
	}
	return engine.ExportRequest{Format: format, Preset: preset, Path: f.out.path, Replace: f.out.force, Password: string(password)}, nil
}

func (c *cli) runExport(f exportFlags, ref string) error {
	req, err := exportRequest(f)
	if err != nil {
		return err
	}
	v, err := c.openVault()
	if err != nil {
		return err
	}
	rec, err := v.Find(c.ctx, ref)
	v.Close()
	if err != nil {
		return err
	}
	if req.Format.Secret() {
		if !rec.HasKey {
			return fmt.Errorf("%q: %w", rec.CommonName, export.ErrNoKey)
		}
		v, err = c.unlockVault()
	} else {
		v, err = c.openForTrust()
	}
	if err != nil {
		return err
	}
	defer v.Close()
	req.ID = rec.ID
	res, err := v.Export(c.ctx, req)
	if err != nil {
		return err
	}
	return c.reportExport(res)
}

func (c *cli) reportExport(res engine.Exported) error {
	if c.jsonOut {
		out := map[string]any{"file": res.Path, "format": res.Format, "id": res.Record.ID, "common_name": res.Record.CommonName}
		if res.Format == export.P12 {
			out["preset"] = res.Preset
		}
		if res.Generated {
			out["password"] = res.Password
		}
		return c.printJSON(out)
	}
	fmt.Fprintf(c.stdout, "Wrote %s (%s of %q).\n", res.Path, res.Format, res.Record.CommonName)
	if res.Generated {
		fmt.Fprintf(c.stdout, "PKCS#12 password (shown once, hand it over separately): %s\n", res.Password)
	}
	if res.Format == export.P12 {
		fmt.Fprintf(c.stdout, "Preset %s: %s\n", res.Preset, export.PresetHelp[res.Preset])
	}
	return nil
}
