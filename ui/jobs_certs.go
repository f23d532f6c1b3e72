package ui

import (
	"context"
	"fmt"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
	"certdesk/core/export"
	"certdesk/core/pki"
)

// certDetail is what the detail pane shows of one record.
type certDetail struct {
	info      certinfo.Info
	revokedBy string
	chain     []string // the issuers' common names, nearest first
}

// detail reads a record's certificate, who revoked it and its chain.
func (j jobs) detail(r engine.Record) (certDetail, error) {
	info, err := j.v.Describe(j.ctx, r.ID)
	if err != nil {
		return certDetail{}, err
	}
	d := certDetail{info: info}
	if info.Revocation != nil {
		d.revokedBy = info.Revocation.By
	}
	if chain, err := j.v.ChainOf(j.ctx, r.ID); err == nil {
		for _, c := range chain {
			d.chain = append(d.chain, c.CommonName)
		}
	}
	return d, nil
}

// createCA makes a new CA.
func (j jobs) createCA(name string, req pki.CARequest) (engine.CA, error) {
	return j.v.CreateCA(j.ctx, name, req)
}

// importCA reads a CA from files (PEM/DER, or PKCS#12) and stores it.
func (j jobs) importCA(name, certPath, keyPath, password string) (engine.CA, []string, error) {
	return j.v.ImportCA(j.ctx, name, engine.CAFiles{CertFile: certPath, KeyFile: keyPath, Password: []byte(password)})
}

// trustCA stores a CA by its certificate alone.
func (j jobs) trustCA(name, certPath string) (engine.CA, error) {
	return j.v.TrustCA(j.ctx, name, certPath)
}

// publishCRL signs a CA's next CRL and writes it to path (the native
// dialog already asked before replacing a file). signed says whether the
// CRL was signed (the write may still fail).
func (j jobs) publishCRL(ca engine.CA, path string) (crl engine.CRL, signed bool, err error) {
	crl, err = j.v.WriteCRL(j.ctx, ca, 0, path, false, true)
	return crl, crl.Number != 0, err
}

// signCSR signs a request with a profile.
func (j jobs) signCSR(ctx context.Context, ca engine.CA, req engine.Request, p pki.CSRProfile, days int) (engine.Record, error) {
	return j.v.SignRequest(ctx, ca, req.Data, p, pki.Validity{Days: days})
}

// The edits below act on a certificate as the app showed it: when someone
// else changed it since (another admin, another window, certctl), the
// engine refuses with an *engine.ConflictError that says who and when,
// instead of acting on what the admin never saw.

// renew renews one certificate as shown.
func (j jobs) renew(ctx context.Context, shown engine.Record, opts engine.RenewOptions) (engine.Record, error) {
	return j.v.RenewIfUnchanged(ctx, shown.ID, opts, shown.Version)
}

// revoke revokes one certificate as shown, with a reason code.
func (j jobs) revoke(shown engine.Record, reason int) (engine.Record, error) {
	return j.v.RevokeIfUnchanged(j.ctx, shown.ID, reason, shown.Version)
}

// unrevoke undoes a revocation of a certificate as shown.
func (j jobs) unrevoke(shown engine.Record) (engine.Record, error) {
	return j.v.UnrevokeIfUnchanged(j.ctx, shown.ID, shown.Version)
}

// renewals is how a batch of renewals went.
type renewals struct {
	renewed int
	failed  []string
	stopped bool
}

// renewAll renews todo one by one until ctx ends, telling progress the
// fraction done after each.
func (j jobs) renewAll(ctx context.Context, todo []engine.Record, revokeOld bool, progress func(done float64)) renewals {
	results, err := j.v.RenewAll(ctx, todo, engine.RenewOptions{RevokeOld: revokeOld}, func(done, total int) {
		progress(float64(done) / float64(total))
	})
	out := renewals{stopped: err != nil}
	for _, r := range results {
		if r.Err != nil {
			out.failed = append(out.failed, fmt.Sprintf("%s: %v", r.Old.CommonName, r.Err))
		} else {
			out.renewed++
		}
	}
	return out
}

// writeExport encodes and writes one export (the native dialog already
// asked before replacing a file); key material is written 0600.
func (j jobs) writeExport(r engine.Record, f export.Format, opts export.Options, path string) error {
	_, err := j.v.Export(j.ctx, engine.ExportRequest{ID: r.ID, Format: f, Preset: opts.Preset, Password: opts.Password, Path: path, Replace: true})
	return err
}

// writeReminder saves an .ics reminder of r's expiry, days before it.
func (j jobs) writeReminder(r engine.Record, days int, path string) error {
	_, err := j.v.WriteReminder(j.ctx, r.ID, days, path, true)
	return err
}
