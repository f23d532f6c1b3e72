package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"certdesk/core/export"
)

func (c *cli) exportCommand() *cobra.Command {
	var format, preset, passwordFile, out string
	var force bool
	cmd := &cobra.Command{
		Use:   "export REF --format pem|der|key|bundle|chain|p12 --out FILE",
		Short: "Write a certificate, its key, a curl bundle, its chain or a PKCS#12 file",
		Args:  exactArgs(1, "one REF"),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := export.ParseFormat(format)
			if err != nil {
				return usageError{err}
			}
			p, err := export.ParsePreset(preset)
			if err != nil {
				return usageError{err}
			}
			if out == "" {
				return usageError{errors.New("say where to write with --out FILE")}
			}
			var password string
			if passwordFile != "" {
				b, err := readSecretFile(passwordFile)
				if err != nil {
					return err
				}
				password = string(b)
			}
			generated := false
			if f == export.P12 && password == "" {
				password, generated = export.GeneratePassword(), true
			}
			v, err := c.openVault()
			if err != nil {
				return err
			}
			rec, err := v.Find(c.ctx, args[0])
			v.Close()
			if err != nil {
				return err
			}
			if f.NeedsKey() {
				if !rec.HasKey {
					return export.ErrNoKey
				}
				if v, err = c.unlockVault(); err != nil {
					return err
				}
			} else if v, err = c.openForTrust(); err != nil {
				return err
			}
			defer v.Close()
			m := export.Material{}
			if m.Cert, err = v.Certificate(c.ctx, rec.ID); err != nil {
				return err
			}
			if m.Chain, err = v.Chain(c.ctx, rec.ID); err != nil {
				return err
			}
			if f.NeedsKey() {
				if m.Key, err = v.PrivateKey(c.ctx, rec.ID); err != nil {
					return err
				}
			}
			data, err := export.Encode(m, f, export.Options{Password: password, Preset: p})
			if err != nil {
				return err
			}
			if err := export.WriteFile(out, data, f.Secret(), force); err != nil {
				return err
			}
			if c.jsonOut {
				res := map[string]any{"file": out, "format": f, "id": rec.ID, "common_name": rec.CommonName}
				if f == export.P12 {
					res["preset"] = p
				}
				if generated {
					res["password"] = password
				}
				return c.printJSON(res)
			}
			fmt.Fprintf(c.stdout, "Wrote %s (%s of %q).\n", out, f, rec.CommonName)
			if generated {
				fmt.Fprintf(c.stdout, "PKCS#12 password (shown once, hand it over separately): %s\n", password)
			}
			if f == export.P12 {
				fmt.Fprintf(c.stdout, "Preset %s: %s\n", p, export.PresetHelp[p])
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "pem", "pem, der, key, bundle (cert+key for curl -E), chain, or p12")
	cmd.Flags().StringVar(&preset, "preset", "compatible", "PKCS#12 preset: compatible (macOS, Windows, Android, browsers) or modern (AES-256)")
	cmd.Flags().StringVar(&passwordFile, "password-file", "", "password for p12 (default: generate one) or to encrypt a key")
	cmd.Flags().StringVar(&out, "out", "", "file to write")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing file")
	return cmd
}
