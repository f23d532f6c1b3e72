package ui

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"certdesk/core/deploy"
	"certdesk/core/inspect"
	"certdesk/core/interop"
	"certdesk/core/onboard"
	"certdesk/core/pki"
	"certdesk/core/vault"
	"certdesk/core/verdict"
)

// readFile reads a file the user chose, refusing folders and huge files.
func readFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a folder", path)
	}
	if st.Size() > pki.MaxInputSize {
		return nil, fmt.Errorf("%s is %d bytes; certificate files are far smaller", path, st.Size())
	}
	if st.Size() == 0 {
		return nil, fmt.Errorf("%s is empty", path)
	}
	return os.ReadFile(path)
}

// loadCA reads a CA from PEM/DER files or a PKCS#12 file.
func loadCA(certPath, keyPath, password string) (*x509.Certificate, crypto.Signer, []*x509.Certificate, error) {
	data, err := readFile(strings.TrimSpace(certPath))
	if err != nil {
		return nil, nil, nil, err
	}
	if strings.HasSuffix(strings.ToLower(certPath), ".p12") || strings.HasSuffix(strings.ToLower(certPath), ".pfx") {
		return decodePKCS12CA(data, password)
	}
	certs, err := pki.ParseCertificates(data)
	if err != nil {
		return nil, nil, nil, err
	}
	keyData, err := readFile(strings.TrimSpace(keyPath))
	if err != nil {
		return nil, nil, nil, fmt.Errorf("the private key: %w", err)
	}
	key, err := pki.ParsePrivateKey(keyData, []byte(password))
	if err != nil {
		return nil, nil, nil, fmt.Errorf("the private key: %w", err)
	}
	return certs[0], key, certs[1:], nil
}

func decodePKCS12CA(data []byte, password string) (*x509.Certificate, crypto.Signer, []*x509.Certificate, error) {
	k, cert, chain, err := pkcs12.DecodeChain(data, password)
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		return nil, nil, nil, errors.New("the PKCS#12 password is wrong")
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("reading the PKCS#12 file: %w", err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, nil, nil, errors.New("the PKCS#12 file holds an unsupported key")
	}
	return cert, s, chain, nil
}

// readCSR reads a CSR file and checks its signature.
func readCSR(path string) (*x509.CertificateRequest, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the CSR: %w", err)
	}
	csr, err := pki.ParseCSR(data)
	if err != nil {
		return nil, fmt.Errorf("that file is not a CSR Certdesk can read: %w", err)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("the CSR's signature does not verify: %w", err)
	}
	return csr, nil
}

// readPeopleCSV reads a CSV of people to onboard.
func readPeopleCSV(path string) ([]onboard.Row, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return onboard.ParseCSV(bytes.NewReader(data), pki.DefaultKeyType)
}

// onboard issues the rows and writes their files.
func (j jobs) onboard(ctx context.Context, ca vault.CA, rows []onboard.Row, opts onboard.Options) (onboard.Report, error) {
	return onboard.Run(ctx, j.v, ca, rows, opts)
}

// inspected is what a file holds, and for a client certificate what the
// vault's CAs make of it.
type inspected struct {
	data   []byte
	items  []inspect.Item
	judged *verdict.Result
}

// inspectFile reads and explains a file (data, when not nil, is the file
// already read).
func (j jobs) inspectFile(path string, data, password []byte) (inspected, error) {
	if data == nil {
		var err error
		if data, err = readFile(path); err != nil {
			return inspected{}, err
		}
	}
	items, err := inspect.Inspect(data, inspect.Options{Password: password})
	out := inspected{data: data, items: items}
	if err == nil {
		out.judged = j.judge(data)
	}
	return out, err
}

// judge checks a file's certificates (leaf first, as a client would
// present them) against the vault's CAs, when it holds a client certificate.
func (j jobs) judge(data []byte) *verdict.Result {
	if j.v == nil {
		return nil
	}
	certs, err := pki.ParseCertificates(data)
	if err != nil || len(certs) == 0 || certs[0].IsCA {
		return nil
	}
	trust, err := j.v.Trust(j.ctx)
	if err != nil {
		return nil
	}
	res := verdict.JudgeCertificates(certs, trust, j.now())
	return &res
}

// writeKit prepares the folder, then writes a deployment kit into it.
// prepared is false when the folder was refused and nothing was issued.
func (j jobs) writeKit(ca vault.CA, dir string, targets []deploy.Target, opts vault.DeployOptions, listen, backend string) (written []string, prepared bool, err error) {
	if err := deploy.PrepareFolder(dir, targets, false); err != nil {
		return nil, false, err
	}
	kit, err := j.v.DeployKit(j.ctx, ca, opts)
	if err != nil {
		return nil, true, err
	}
	kit.Listen, kit.Backend = listen, backend
	written, err = deploy.WriteKit(dir, kit, targets, false)
	return written, true, err
}

// exportEasyRSA writes a CA's whole PKI as an easy-rsa folder.
func (j jobs) exportEasyRSA(ca vault.CA, dir string, opts interop.WriteOptions) (interop.PKI, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil { // before the export signs its CRL
		return interop.PKI{}, err
	}
	p, err := j.v.ExportPKI(j.ctx, ca)
	if err != nil {
		return p, err
	}
	return p, interop.WriteEasyRSA(dir, p, opts)
}

// readPKI reads an easy-rsa / openssl ca folder (folder true) or an XCA
// PEM export.
func readPKI(path string, folder bool, password []byte) ([]interop.PKI, []string, error) {
	if folder {
		p, w, err := interop.ReadEasyRSA(path, password)
		return []interop.PKI{p}, w, err
	}
	data, err := readFile(path)
	if err != nil {
		return nil, nil, err
	}
	return interop.ReadPEMBundle(data, password)
}

// pkiImport is how an import of one or more CAs with their certificates went.
type pkiImport struct {
	imported []string // one line per CA
	lastID   int64
	warnings []string
}

// importPKI reads a PKI and stores each CA under a free name.
func (j jobs) importPKI(path string, folder bool, password []byte, taken map[string]bool) (pkiImport, error) {
	pkis, warnings, err := readPKI(path, folder, password)
	out := pkiImport{warnings: warnings}
	if err != nil {
		return out, err
	}
	for _, p := range pkis {
		name := uniqueCAName(taken, p.CA.Subject.CommonName)
		ca, caWarnings, err := j.v.ImportPKI(j.ctx, name, p)
		if err != nil {
			return out, err
		}
		taken[ca.Name], out.lastID = true, ca.ID
		out.warnings = append(out.warnings, caWarnings...)
		out.imported = append(out.imported, fmt.Sprintf("%q with %d certificate(s)", ca.Name, len(p.Certs)))
	}
	return out, nil
}
