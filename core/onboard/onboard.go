package onboard

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
// password, or why it was not issued or not delivered.
type Result struct {
	Row      Row
	Record   vault.Record
	File     string
	Password string
	Err      error
	// Undelivered is set when the certificate was issued but its PKCS#12
	// and password did not reach the sheet: running the same CSV again
	// delivers it, with a new file and password.
	Undelivered bool
	// Redelivered is set when an earlier run had issued the certificate
	// without delivering it, and this run delivered it.
	Redelivered bool
	// Earlier is set when an earlier run delivered the person's
	// certificate to this folder's sheet: nothing is done for the row.
	Earlier bool
}

// Report sums up a run.
type Report struct {
	Results     []Result
	Sheet       string // the password sheet
	Issued      int    // rows delivered: a PKCS#12 file and a line on the sheet
	Failed      int    // rows not delivered, Undelivered among them
	Undelivered int    // issued, but not delivered
	Earlier     int    // rows an earlier run delivered to this folder
}

// ErrNotDelivered marks a row whose certificate is stored in the vault but
// whose PKCS#12 and password were not delivered.
var ErrNotDelivered = errors.New("issued but not delivered")

// Run issues a certificate for every row without an error, writes a
// PKCS#12 per person and appends its password to the folder's sheet, each
// row synced to disk as its file lands. A row fails alone (bad e-mail,
// duplicate, a person who already holds a delivered certificate from this
// CA): it is reported and nothing is stored for it. Cancelling ctx while
// keys are signed stores nothing at all; cancelling it later, or a write
// that fails (a full disk), stops the delivery: every row not delivered is
// named, and running the same rows again delivers them.
func Run(ctx context.Context, v Store, ca vault.CA, rows []Row, opts Options) (Report, error) {
	if opts.OutDir == "" {
		return Report{}, errors.New("choose a folder for the PKCS#12 files")
	}
	if err := os.MkdirAll(opts.OutDir, 0o700); err != nil {
		return Report{}, fmt.Errorf("creating %s: %w", opts.OutDir, err)
	}
	sh, err := openSheet(filepath.Join(opts.OutDir, SheetName))
	if err != nil {
		return Report{}, err
	}
	defer sh.close()
	results, reqs, index, pending, err := plan(ctx, v, ca, rows, sh)
	if err != nil {
		return Report{}, err
	}
	var signProgress func(done, total int)
	if opts.Progress != nil {
		signProgress = func(done, total int) { opts.Progress("signing", done, total) }
	}
	issued, err := v.IssuePeople(ctx, ca, reqs, signProgress)
	if err != nil {
		return Report{}, err
	}
	jobs := pending
	for j, b := range issued {
		r := &results[index[j]]
		if r.Err = b.Err; b.Err == nil {
			r.Record = b.Record
			jobs = append(jobs, index[j])
		}
	}
	slices.Sort(jobs)
	d := &delivery{v: v, ca: ca, opts: opts, sheet: sh, results: results}
	d.run(ctx, jobs)
	rep := Report{Sheet: sh.path, Results: results}
	for _, r := range results {
		switch {
		case r.Earlier:
			rep.Earlier++
		case r.Err == nil:
			rep.Issued++
		case r.Undelivered:
			rep.Undelivered++
			rep.Failed++
		default:
			rep.Failed++
		}
	}
	return rep, nil
}

// plan sorts the rows: those to issue (reqs, with index[j] the row of
// reqs[j]), those already issued by an earlier run but never delivered
// (pending), those an earlier run delivered to this folder's sheet
// (Earlier), and those refused. A certificate an earlier run in this folder
// put on the sheet but did not mark delivered (killed in between) is marked
// now.
func plan(ctx context.Context, v Store, ca vault.CA, rows []Row, sh *sheet) (results []Result, reqs []pki.PersonRequest, index, pending []int, err error) {
	holders, err := currentHolders(ctx, v, ca)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	undelivered, err := v.Undelivered(ctx, ca.ID)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	results = make([]Result, len(rows))
	var onSheet []int64
	for i, row := range rows {
		results[i].Row = row
		results[i].Err = row.Err
		if row.Err != nil {
			continue
		}
		r, held := holders[personKey(row.Req.Name.CommonName, row.Req.Emails)]
		switch {
		case !held:
			reqs = append(reqs, row.Req)
			index = append(index, i)
		case !undelivered[r.ID] && sh.listed[r.Serial] != "":
			results[i].Record, results[i].Earlier = r, true
			results[i].File = filepath.Join(filepath.Dir(sh.path), sh.listed[r.Serial])
		case !undelivered[r.ID]:
			results[i].Err = fmt.Errorf("already holds a valid certificate from this CA (serial %s, until %s): renew it instead", r.Serial, r.NotAfter.Format("2006-01-02"))
		case sh.listed[r.Serial] != "":
			results[i].Record, results[i].File = r, filepath.Join(filepath.Dir(sh.path), sh.listed[r.Serial])
			results[i].Redelivered = true
			onSheet = append(onSheet, r.ID)
		default:
			results[i].Record = r
			results[i].Redelivered = true
			pending = append(pending, i)
		}
	}
	if err := v.MarkDelivered(ctx, ca.ID, onSheet, sh.path); err != nil {
		return nil, nil, nil, nil, err
	}
	return results, reqs, index, pending, nil
}

// currentHolders are the people (name and e-mails) with a valid
// certificate from the CA: a row for one of them is refused, since renewing
// is the way to give them another.
func currentHolders(ctx context.Context, v Store, ca vault.CA) (map[string]vault.Record, error) {
	recs, err := v.List(ctx, vault.Filter{CAID: ca.ID, Kind: vault.KindClient})
	if err != nil {
		return nil, err
	}
	now := v.CurrentTime()
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

// delivery writes the PKCS#12 files of issued certificates on every core
// and appends each to the sheet in the CSV's order as it lands.
type delivery struct {
	v       Store
	ca      vault.CA
	opts    Options
	sheet   *sheet
	results []Result
	caCert  *x509.Certificate

	stop        atomic.Bool
	sheetBroken bool // the sheet could not be written: nothing more is delivered
	mu          sync.Mutex
	failure     error // the first failure, which stopped the delivery
}

// markEvery bounds how often the vault is told which rows were delivered;
// rows on the sheet but not yet marked are recognised by a re-run into the
// same folder.
const markEvery = 250 * time.Millisecond

func (d *delivery) run(ctx context.Context, jobs []int) {
	if len(jobs) == 0 {
		return
	}
	// What was delivered is recorded even after a cancel.
	keep := context.WithoutCancel(ctx)
	var err error
	if d.caCert, err = d.v.Certificate(keep, d.ca.CertID); err != nil {
		d.fail(err)
	}
	landed, wait := d.writeAll(ctx, keep, jobs)
	defer wait()
	var marked []int64
	lastMark := time.Now()
	delivered := 0
	for k := 0; k < len(jobs); {
		// The next row in the CSV's order, and every row after it that has
		// landed too: one write and one sync for them all.
		var group []*Result
		take := func(err error) {
			r := &d.results[jobs[k]]
			k++
			if err != nil {
				r.File = ""
				d.fail(err)
				d.undelivered(r, err)
				return
			}
			if r.File == "" || d.sheetBroken {
				d.undelivered(r, nil)
				return
			}
			group = append(group, r)
		}
		take(<-landed[k])
	more:
		for k < len(jobs) && len(group) < 256 {
			select {
			case err := <-landed[k]:
				take(err)
			default:
				break more
			}
		}
		if len(group) == 0 {
			continue
		}
		if !d.appendToSheet(group) {
			continue
		}
		for _, r := range group {
			r.Err = nil
			marked = append(marked, r.Record.ID)
		}
		delivered += len(group)
		if time.Since(lastMark) > markEvery {
			if err := d.v.MarkDelivered(keep, d.ca.ID, marked, d.sheet.path); err == nil {
				marked = marked[:0]
			}
			lastMark = time.Now()
		}
		if d.opts.Progress != nil {
			d.opts.Progress("writing", delivered, len(jobs))
		}
	}
	// A failure here leaves rows on the sheet unmarked: a re-run into this
	// folder finds them there and marks them then.
	d.v.MarkDelivered(keep, d.ca.ID, marked, d.sheet.path)
}

// writeAll writes the PKCS#12 files of jobs on every core; landed[k] gets
// the outcome of jobs[k] (nil also when it was skipped after a stop or a
// cancel). wait waits for the writers.
func (d *delivery) writeAll(ctx, keep context.Context, jobs []int) (landed []chan error, wait func()) {
	landed = make([]chan error, len(jobs))
	for k := range landed {
		landed[k] = make(chan error, 1)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := int(next.Add(1) - 1); k < len(jobs); k = int(next.Add(1) - 1) {
				if d.stop.Load() || ctx.Err() != nil {
					landed[k] <- nil
					continue
				}
				r := &d.results[jobs[k]]
				var err error
				r.File, r.Password, err = d.writeP12(keep, r.Record, r.Redelivered)
				landed[k] <- err
			}
		}()
	}
	return landed, wg.Wait
}

// appendToSheet puts the group's rows on the password sheet in one write.
// When that fails, nothing more is delivered and the group's files are
// removed: it reports false.
func (d *delivery) appendToSheet(group []*Result) bool {
	lines := make([][]string, len(group))
	for i, r := range group {
		lines[i] = sheetRow(*r)
	}
	err := d.sheet.append(lines)
	if err == nil {
		return true
	}
	d.sheetBroken = true
	d.fail(err)
	for _, r := range group {
		os.Remove(r.File)
		r.File = ""
		d.undelivered(r, err)
	}
	return false
}

// fail records the first failure and stops taking new rows.
func (d *delivery) fail(err error) {
	d.mu.Lock()
	if d.failure == nil {
		d.failure = err
	}
	d.mu.Unlock()
	d.stop.Store(true)
}

// undelivered marks a row issued but not delivered, saying why.
func (d *delivery) undelivered(r *Result, own error) {
	why := own
	if why == nil {
		d.mu.Lock()
		why = d.failure
		d.mu.Unlock()
	}
	reason := "the run was cancelled"
	if why != nil {
		reason = "the run stopped: " + why.Error()
		if own != nil {
			reason = own.Error()
		}
	}
	r.Undelivered = true
	r.Password = ""
	r.Err = fmt.Errorf("%w: certificate %d (serial %s) is in the vault, but its PKCS#12 file and password were not written (%s); run the same bulk again to deliver it with a new password",
		ErrNotDelivered, r.Record.ID, r.Record.Serial, reason)
}

func sheetRow(r Result) []string {
	return []string{r.Record.CommonName, strings.Join(r.Record.Emails, " "), filepath.Base(r.File), r.Password, r.Record.Serial, r.Record.FingerprintSHA256}
}

// writeP12 writes one person's PKCS#12 with a new password. A
// redelivery replaces a file of the same name left by the run that did
// not deliver it (its password was never written down).
func (d *delivery) writeP12(ctx context.Context, rec vault.Record, redeliver bool) (string, string, error) {
	if d.caCert == nil {
		return "", "", errors.New("the CA certificate could not be read")
	}
	cert, err := d.v.Certificate(ctx, rec.ID)
	if err != nil {
		return "", "", err
	}
	key, err := d.v.PrivateKey(ctx, rec.ID)
	if err != nil {
		return "", "", err
	}
	password := export.GeneratePassword()
	data, err := export.PKCS12(export.Material{Cert: cert, Key: key, Chain: []*x509.Certificate{d.caCert}}, d.opts.Preset, password)
	if err != nil {
		return "", "", err
	}
	file := filepath.Join(d.opts.OutDir, fmt.Sprintf("%s-%d.p12", export.FileStem(rec.CommonName), rec.ID))
	if err := export.WriteFile(file, data, true, redeliver); err != nil {
		return "", "", err
	}
	return file, password, nil
}
