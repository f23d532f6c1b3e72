package main

import (
	"crypto/x509"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"certdesk/core/export"
	"certdesk/core/pki"
	"certdesk/core/vault"
)

func (c *cli) bulkCommand() *cobra.Command {
	var caName, csvFile, outDir, keyType string
	var presetName string
	cmd := &cobra.Command{
		Use:   "bulk --csv FILE --out DIR [--ca NAME]",
		Short: "Issue one person certificate per CSV row (name,email[,org,ou,days]), a PKCS#12 each, and a password sheet",
		Args:  exactArgs(0, "no arguments (use flags)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if csvFile == "" || outDir == "" {
				return usageError{errors.New("give --csv FILE and --out DIR")}
			}
			kt, err := pki.ParseKeyType(keyType)
			if err != nil {
				return usageError{err}
			}
			preset, err := export.ParsePreset(presetName)
			if err != nil {
				return usageError{err}
			}
			reqs, lines, err := readPeopleCSV(csvFile, kt)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(outDir, 0o700); err != nil {
				return fmt.Errorf("creating %s: %w", outDir, err)
			}
			sheetPath := filepath.Join(outDir, "passwords.csv")
			sheet, err := os.OpenFile(sheetPath, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
			if err != nil {
				if errors.Is(err, os.ErrExist) {
					return fmt.Errorf("%s already exists: use an empty --out folder", sheetPath)
				}
				return err
			}
			defer sheet.Close()
			v, err := c.unlockVault()
			if err != nil {
				return err
			}
			defer v.Close()
			ca, err := c.pickCA(v, caName)
			if err != nil {
				return err
			}
			rows, err := v.IssuePeople(c.ctx, ca, reqs, nil)
			if err != nil {
				return err
			}
			caCert, err := v.Certificate(c.ctx, ca.CertID)
			if err != nil {
				return err
			}
			w := csv.NewWriter(sheet)
			w.Write([]string{"name", "email", "file", "password", "serial", "sha256"})
			issued, failed := 0, 0
			for i, r := range rows {
				if r.Err != nil {
					failed++
					fmt.Fprintf(c.stderr, "row %d (%s): %v\n", lines[i], reqs[i].Name.CommonName, r.Err)
					continue
				}
				file, password, err := writePersonP12(c, v, r.Record, caCert, outDir, preset)
				if err != nil {
					return fmt.Errorf("row %d: %w", lines[i], err)
				}
				w.Write([]string{r.Record.CommonName, strings.Join(r.Record.Emails, " "), filepath.Base(file), password, r.Record.Serial, r.Record.FingerprintSHA256})
				issued++
			}
			w.Flush()
			if err := w.Error(); err != nil {
				return fmt.Errorf("writing the password sheet: %w", err)
			}
			fmt.Fprintf(c.stdout, "Issued %d certificate(s), %d row(s) failed. PKCS#12 files in %s; passwords in %s — hand them over separately.\n", issued, failed, outDir, sheetPath)
			if failed > 0 {
				return exitCodeError{code: exitError, err: fmt.Errorf("%d row(s) failed; the others were issued", failed)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&caName, "ca", "", "the issuing CA (may be left out when the vault has one CA)")
	cmd.Flags().StringVar(&csvFile, "csv", "", "CSV file: name,email[,org,ou,days] (a header row is skipped)")
	cmd.Flags().StringVar(&outDir, "out", "", "folder for the PKCS#12 files and passwords.csv")
	cmd.Flags().StringVar(&keyType, "key", string(pki.DefaultKeyType), "key type for every person")
	cmd.Flags().StringVar(&presetName, "preset", "compatible", "PKCS#12 preset: compatible or modern")
	return cmd
}

// readPeopleCSV reads name,email[,org,ou,days] rows; it returns the requests
// and the line each came from. Rows with a bad shape are an error before
// anything is issued.
func readPeopleCSV(path string, kt pki.KeyType) ([]pki.PersonRequest, []int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	r := csv.NewReader(io.LimitReader(f, 64<<20))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var reqs []pki.PersonRequest
	var lines []int
	seen := map[string]int{}
	for line := 1; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		if line == 1 && len(rec) > 0 && strings.EqualFold(strings.TrimSpace(rec[0]), "name") {
			continue
		}
		if len(rec) < 2 || len(rec) > 5 {
			return nil, nil, fmt.Errorf("%s line %d: expected name,email[,org,ou,days], got %d field(s)", path, line, len(rec))
		}
		field := func(i int) string {
			if i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		days := 0
		if d := field(4); d != "" {
			if days, err = strconv.Atoi(d); err != nil {
				return nil, nil, fmt.Errorf("%s line %d: days %q is not a number", path, line, d)
			}
		}
		key := strings.ToLower(field(0) + "\x00" + field(1))
		if prev, dup := seen[key]; dup {
			return nil, nil, fmt.Errorf("%s line %d: the same person as line %d (%s)", path, line, prev, field(0))
		}
		seen[key] = line
		var emails []string
		if e := field(1); e != "" {
			emails = []string{e}
		}
		reqs = append(reqs, pki.PersonRequest{Name: pki.Name{CommonName: field(0), Organization: field(2), OrganizationalUnit: field(3)},
			Emails: emails, KeyType: kt, Validity: pki.Validity{Days: days}})
		lines = append(lines, line)
	}
	if len(reqs) == 0 {
		return nil, nil, fmt.Errorf("%s holds no people", path)
	}
	return reqs, lines, nil
}

func writePersonP12(c *cli, v *vault.Vault, rec vault.Record, caCert *x509.Certificate, dir string, preset export.Preset) (string, string, error) {
	cert, err := v.Certificate(c.ctx, rec.ID)
	if err != nil {
		return "", "", err
	}
	key, err := v.PrivateKey(c.ctx, rec.ID)
	if err != nil {
		return "", "", err
	}
	password := export.GeneratePassword()
	data, err := export.PKCS12(export.Material{Cert: cert, Key: key, Chain: []*x509.Certificate{caCert}}, preset, password)
	if err != nil {
		return "", "", err
	}
	file := filepath.Join(dir, fmt.Sprintf("%s-%d.p12", export.FileStem(rec.CommonName), rec.ID))
	return file, password, export.WriteFile(file, data, true, false)
}
