package ui

import (
	"context"
	"crypto/x509"
	"fmt"

	"certdesk/core/certinfo"
	"certdesk/core/export"
	"certdesk/core/pki"
	"certdesk/core/vault"
)

// certDetail is what the detail pane shows of one record.
type certDetail struct {
	info      certinfo.Info
	revokedBy string
	chain     []string // the issuers' common names, nearest first
}

// detail reads a record's certificate, who revoked it and its chain.
func (j jobs) detail(r vault.Record) (certDetail, error) {
	cert, err := j.v.Certificate(j.ctx, r.ID)
	if err != nil {
		return certDetail{}, err
	}
	d := certDetail{info: certinfo.Describe(cert, j.now())}
	if r.Revoked() {
		d.revokedBy, _ = j.v.RevokedBy(j.ctx, r.ID)
	}
	if chain, err := j.v.Chain(j.ctx, r.ID); err == nil {
		for _, c := range chain {
			d.chain = append(d.chain, certinfo.Clean(c.Subject.CommonName))
		}
	}
	return d, nil
}

// createCA makes a new CA.
func (j jobs) createCA(name string, req pki.CARequest) (vault.CA, error) {
	return j.v.CreateCA(j.ctx, name, req)
}

// importCA reads a CA from files (PEM/DER, or PKCS#12) and stores it.
func (j jobs) importCA(name, certPath, keyPath, password string) (vault.CA, []string, error) {
	cert, key, chain, err := loadCA(certPath, keyPath, password)
	if err != nil {
		return vault.CA{}, nil, err
	}
	return j.v.ImportCA(j.ctx, name, cert, key, chain)
}

// publishCRL signs a CA's next CRL and writes it to path. written says
// whether the file was written (the CRL may be signed and the write fail).
func (j jobs) publishCRL(ca vault.CA, path string) (crl vault.CRL, signed bool, err error) {
	crl, err = j.v.SignCRL(j.ctx, ca, 0)
	if err != nil {
		return crl, false, err
	}
	return crl, true, export.WriteFile(path, pki.EncodeCRLPEM(crl.DER), false, true)
}

// issuePerson issues a person certificate.
func (j jobs) issuePerson(ctx context.Context, ca vault.CA, req pki.PersonRequest) (vault.Record, error) {
	return j.v.IssuePerson(ctx, ca, req)
}

// issueServer issues a server certificate.
func (j jobs) issueServer(ctx context.Context, ca vault.CA, req pki.ServerRequest) (vault.Record, error) {
	return j.v.IssueServer(ctx, ca, req)
}

// signCSR signs a request with a profile.
func (j jobs) signCSR(ctx context.Context, ca vault.CA, csr *x509.CertificateRequest, p pki.CSRProfile, days int) (vault.Record, error) {
	return j.v.SignCSR(ctx, ca, csr, p, pki.Validity{Days: days})
}

// renew renews one certificate.
func (j jobs) renew(ctx context.Context, id int64, opts vault.RenewOptions) (vault.Record, error) {
	return j.v.Renew(ctx, id, opts)
}

// revoke revokes one certificate with a reason code.
func (j jobs) revoke(id int64, reason int) (vault.Record, error) {
	return j.v.Revoke(j.ctx, id, reason)
}

// unrevoke undoes a revocation.
func (j jobs) unrevoke(id int64) (vault.Record, error) { return j.v.Unrevoke(j.ctx, id) }

// renewals is how a batch of renewals went.
type renewals struct {
	renewed int
	failed  []string
	stopped bool
}

// renewAll renews todo one by one until ctx ends, telling progress the
// fraction done after each.
func (j jobs) renewAll(ctx context.Context, todo []vault.Record, revokeOld bool, progress func(done float64)) renewals {
	var out renewals
	for i, r := range todo {
		if ctx.Err() != nil {
			break
		}
		if _, err := j.v.Renew(ctx, r.ID, vault.RenewOptions{RevokeOld: revokeOld}); err != nil {
			out.failed = append(out.failed, fmt.Sprintf("%s: %v", r.CommonName, err))
		} else {
			out.renewed++
		}
		progress(float64(i+1) / float64(len(todo)))
	}
	out.stopped = ctx.Err() != nil
	return out
}

// material reads a certificate with its chain and, when withKey, its
// decrypted key.
func (j jobs) material(id int64, withKey bool) (export.Material, error) {
	mat := export.Material{}
	var err error
	if mat.Cert, err = j.v.Certificate(j.ctx, id); err != nil {
		return mat, err
	}
	if mat.Chain, err = j.v.Chain(j.ctx, id); err != nil {
		return mat, err
	}
	if withKey {
		mat.Key, err = j.v.PrivateKey(j.ctx, id)
	}
	return mat, err
}

// writeExport encodes and writes one export; key material is written 0600.
func (j jobs) writeExport(r vault.Record, f export.Format, opts export.Options, path string) error {
	mat, err := j.material(r.ID, f.NeedsKey())
	if err != nil {
		return err
	}
	if f != export.P12 && f != export.Key && f != export.Bundle {
		opts.Password = ""
	}
	data, err := export.Encode(mat, f, opts)
	if err != nil {
		return err
	}
	// The native dialog already asked before replacing a file.
	return export.WriteFile(path, data, f.Secret(), true)
}

// writeReminder saves an .ics reminder of r's expiry, days before it.
func (j jobs) writeReminder(r vault.Record, days int, path string) error {
	data := export.Reminder(r.CommonName, r.Serial, r.FingerprintSHA256, r.NotAfter, days, j.now())
	return export.WriteFile(path, data, false, true)
}
