package mtls

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"certdesk/core/export"
)

// PrepareClientFiles writes what a person needs to connect: the CA (PEM),
// the certificate with its intermediates (PEM), its key (PEM, 0600) and a
// PKCS#12 file with a generated password (0600), and a curl config file
// (0600) that holds that password, so no command line shows it. It never replaces a
// file: the files go into dir (made, 0700, when missing) when none of them
// is there yet, else into a fresh folder inside dir; ClientFiles.Dir says
// which. A failure midway removes what was written.
func PrepareClientFiles(dir string, cert *x509.Certificate, chain []*x509.Certificate, key crypto.Signer, ca *x509.Certificate) (ClientFiles, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ClientFiles{}, fmt.Errorf("creating %s: %w", dir, err)
	}
	stem := export.FileStem(cert.Subject.CommonName)
	caName := export.FileStem(ca.Subject.CommonName) + "-ca.pem"
	names := []string{caName, stem + ".pem", stem + ".key", stem + ".p12", stem + ".curlrc"}
	if taken(dir, names) {
		fresh, err := os.MkdirTemp(dir, stem+"-")
		if err != nil {
			return ClientFiles{}, fmt.Errorf("creating a fresh folder in %s: %w", dir, err)
		}
		dir = fresh
	}
	files := ClientFiles{Dir: dir,
		CAFile: filepath.Join(dir, names[0]), CertFile: filepath.Join(dir, names[1]),
		KeyFile: filepath.Join(dir, names[2]), P12File: filepath.Join(dir, names[3]), P12Password: export.GeneratePassword(),
		CurlConfig: filepath.Join(dir, names[4]),
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
	var written []string
	for i := 0; i <= len(writes); i++ {
		var path string
		var data []byte
		var err error
		secret := true
		if i == len(writes) {
			path, data = files.CurlConfig, curlConfig(files)
		} else {
			w := writes[i]
			opts := export.Options{}
			if w.format == export.P12 {
				opts.Password = files.P12Password
			}
			path, secret = w.path, w.format.Secret()
			data, err = export.Encode(w.m, w.format, opts)
		}
		if err == nil {
			err = export.WriteFile(path, data, secret, false)
		}
		if err != nil {
			for _, p := range written {
				os.Remove(p)
			}
			return ClientFiles{}, fmt.Errorf("preparing %s: %w", filepath.Base(path), err)
		}
		written = append(written, path)
	}
	return files, nil
}

// taken reports whether any of the names exists in dir, of any kind.
func taken(dir string, names []string) bool {
	for _, n := range names {
		if _, err := os.Lstat(filepath.Join(dir, n)); !errors.Is(err, fs.ErrNotExist) {
			return true
		}
	}
	return false
}

// curlConfig is a curl config file (curl -K) naming the PKCS#12 file and
// its password: curl reads the password from the file, so it is in no
// process's argv and in no shell history.
func curlConfig(f ClientFiles) []byte {
	q := func(s string) string { return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"` }
	return []byte("# curl -K " + filepath.Base(f.CurlConfig) + ": the PKCS#12 file and its password (keep this file private)\n" +
		"cert-type = \"P12\"\n" +
		"cert = " + q(strings.NewReplacer(`\`, `\\`, `:`, `\:`).Replace(f.P12File)) + "\n" + // curl splits file:password
		"pass = " + q(f.P12Password) + "\n")
}
