package onboard

import (
	"context"
	"crypto/x509"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"certdesk/core/export"
	"certdesk/core/pki"
	"certdesk/core/vault"
)

// SheetName is the password sheet's file name in the output folder.
const SheetName = "passwords.csv"

// Options control one onboarding run.
type Options struct {
	OutDir string        // folder for the PKCS#12 files and the sheet
	Preset export.Preset // PKCS#12 encryption
	// Progress, when set, is told how far a stage ("signing" or "writing")
	// has come. It is called from worker goroutines.
	Progress func(stage string, done, total int)
}

// Result is the outcome of one row: the certificate, its file and
// password, or why it was not issued.
type Result struct {
	Row      Row
	Record   vault.Record
	File     string
	Password string
	Err      error
}

// Report sums up a run.
type Report struct {
	Results []Result
	Sheet   string // the password sheet
	Issued  int
	Failed  int
}

// Run issues a certificate for every row without an error, writes a
// PKCS#12 per person and the password sheet. A row fails alone (bad
// e-mail, duplicate, a person who already holds a valid certificate from
// this CA): it is reported and nothing is stored for it. Cancelling ctx
// while keys are signed stores nothing at all.
func Run(ctx context.Context, v *vault.Vault, ca vault.CA, rows []Row, opts Options) (Report, error) {
	if opts.OutDir == "" {
		return Report{}, errors.New("choose a folder for the PKCS#12 files")
	}
	if err := os.MkdirAll(opts.OutDir, 0o700); err != nil {
		return Report{}, fmt.Errorf("creating %s: %w", opts.OutDir, err)
	}
	sheetPath := filepath.Join(opts.OutDir, SheetName)
	sheet, err := os.OpenFile(sheetPath, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return Report{}, fmt.Errorf("%s already exists: choose an empty folder, so no earlier passwords are overwritten", sheetPath)
		}
		return Report{}, fmt.Errorf("creating the password sheet: %w", err)
	}
	complete := false
	defer func() {
		sheet.Close()
		if !complete {
			os.Remove(sheetPath)
		}
	}()

	holders, err := currentHolders(ctx, v, ca)
	if err != nil {
		return Report{}, err
	}
	results := make([]Result, len(rows))
	var reqs []pki.PersonRequest
	var index []int // reqs[j] is rows[index[j]]
	for i, row := range rows {
		results[i].Row = row
		results[i].Err = row.Err
		if r, ok := holders[personKey(row.Req.Name.CommonName, row.Req.Emails)]; ok && row.Err == nil {
			results[i].Err = fmt.Errorf("already holds a valid certificate from this CA (serial %s, until %s): renew it instead", r.Serial, r.NotAfter.Format("2006-01-02"))
		}
		if results[i].Err == nil {
			reqs = append(reqs, row.Req)
			index = append(index, i)
		}
	}
	var signProgress func(done, total int)
	if opts.Progress != nil {
		signProgress = func(done, total int) { opts.Progress("signing", done, total) }
	}
	issued, err := v.IssuePeople(ctx, ca, reqs, signProgress)
	if err != nil {
		return Report{}, err
	}
	caCert, err := v.Certificate(ctx, ca.CertID)
	if err != nil {
		return Report{}, err
	}
	// Writing goes on after a cancel: the certificates are stored, and
	// their holders need the files. PKCS#12 encryption is CPU-bound, so the
	// files are written on every core; the sheet keeps the CSV's order.
	writeCtx := context.WithoutCancel(ctx)
	var next, written atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := int(next.Add(1) - 1); j < len(issued); j = int(next.Add(1) - 1) {
				r, b := &results[index[j]], issued[j]
				if b.Err != nil {
					r.Err = b.Err
					continue
				}
				r.Record = b.Record
				r.File, r.Password, r.Err = writeP12(writeCtx, v, b.Record, caCert, opts)
				if r.Err != nil {
					r.Err = fmt.Errorf("issued as certificate %d, but its PKCS#12 was not written (export it again): %w", b.Record.ID, r.Err)
				}
				if opts.Progress != nil {
					opts.Progress("writing", int(written.Add(1)), len(issued))
				}
			}
		}()
	}
	wg.Wait()
	w := csv.NewWriter(sheet)
	w.Write([]string{"name", "email", "file", "password", "serial", "sha256"})
	rep := Report{Sheet: sheetPath}
	for _, r := range results {
		if r.Err == nil && r.File != "" {
			w.Write([]string{r.Record.CommonName, strings.Join(r.Record.Emails, " "), filepath.Base(r.File), r.Password, r.Record.Serial, r.Record.FingerprintSHA256})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return Report{}, fmt.Errorf("writing the password sheet: %w", err)
	}
	for _, r := range results {
		if r.Err != nil {
			rep.Failed++
		} else {
			rep.Issued++
		}
	}
	rep.Results = results
	complete = true
	return rep, nil
}

// currentHolders are the people (name and e-mails) with a valid
// certificate from the CA: a row for one of them is refused, since renewing
// is the way to give them another.
func currentHolders(ctx context.Context, v *vault.Vault, ca vault.CA) (map[string]vault.Record, error) {
	recs, err := v.List(ctx, vault.Filter{CAID: ca.ID, Kind: vault.KindClient})
	if err != nil {
		return nil, err
	}
	now := v.Now()
	out := map[string]vault.Record{}
	for _, r := range recs {
		if !r.Revoked() && now.Before(r.NotAfter) {
			out[personKey(r.CommonName, r.Emails)] = r
		}
	}
	return out, nil
}

func personKey(name string, emails []string) string {
	return strings.ToLower(name + "\x00" + strings.Join(emails, ","))
}

func writeP12(ctx context.Context, v *vault.Vault, rec vault.Record, caCert *x509.Certificate, opts Options) (string, string, error) {
	cert, err := v.Certificate(ctx, rec.ID)
	if err != nil {
		return "", "", err
	}
	key, err := v.PrivateKey(ctx, rec.ID)
	if err != nil {
		return "", "", err
	}
	password := export.GeneratePassword()
	data, err := export.PKCS12(export.Material{Cert: cert, Key: key, Chain: []*x509.Certificate{caCert}}, opts.Preset, password)
	if err != nil {
		return "", "", err
	}
	file := filepath.Join(opts.OutDir, fmt.Sprintf("%s-%d.p12", export.FileStem(rec.CommonName), rec.ID))
	return file, password, export.WriteFile(file, data, true, false)
}
