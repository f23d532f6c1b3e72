package mtls

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"path/filepath"

	"certdesk/core/export"
)

// PrepareClientFiles writes what a person needs to connect into dir: the
// CA (PEM), the certificate with its intermediates (PEM), its key (PEM,
// 0600) and a PKCS#12 file with a generated password (0600). Existing files
// of the same names are replaced.
func PrepareClientFiles(dir string, cert *x509.Certificate, chain []*x509.Certificate, key crypto.Signer, ca *x509.Certificate) (ClientFiles, error) {
	stem := export.FileStem(cert.Subject.CommonName)
	files := ClientFiles{
		CAFile: filepath.Join(dir, export.FileStem(ca.Subject.CommonName)+"-ca.pem"), CertFile: filepath.Join(dir, stem+".pem"),
		KeyFile: filepath.Join(dir, stem+".key"), P12File: filepath.Join(dir, stem+".p12"), P12Password: export.GeneratePassword(),
	}
	var intermediates []*x509.Certificate
	for _, c := range chain {
		if c.Subject.String() != c.Issuer.String() {
			intermediates = append(intermediates, c)
		}
	}
	full := export.Material{Cert: cert, Key: key, Chain: chain}
	writes := []struct {
		path   string
		format export.Format
		m      export.Material
	}{
		{files.CAFile, export.PEM, export.Material{Cert: ca}},
		{files.CertFile, export.Chain, export.Material{Cert: cert, Chain: intermediates}},
		{files.KeyFile, export.Key, full},
		{files.P12File, export.P12, full},
	}
	for _, w := range writes {
		opts := export.Options{}
		if w.format == export.P12 {
			opts.Password = files.P12Password
		}
		data, err := export.Encode(w.m, w.format, opts)
		if err != nil {
			return files, fmt.Errorf("preparing %s: %w", filepath.Base(w.path), err)
		}
		if err := export.WriteFile(w.path, data, w.format.Secret(), true); err != nil {
			return files, err
		}
	}
	return files, nil
}
