package engine

import (
	"context"
	"crypto"
	"crypto/x509"
	"fmt"

	"certdesk/core/input"
	"certdesk/core/pki"
	"certdesk/core/vault"
)

// CreateCA makes a new root CA in the vault. The vault must be unlocked.
func (e *Engine) CreateCA(ctx context.Context, name string, req pki.CARequest) (CA, error) {
	return e.store.CreateCA(ctx, name, req)
}

// CAFiles say where an existing CA comes from: a certificate file (PEM or
// DER; more certificates after the first are its chain) and a key file, or
// one PKCS#12 file. Password opens the key or the PKCS#12 (nil: none).
type CAFiles struct {
	CertFile string
	KeyFile  string
	P12File  string
	Password []byte
}

// ImportCA stores an existing CA with its key, read from files. A key that
// needs a password when none was given is ErrPasswordNeeded (ask, then call
// again); a wrong one is pki.ErrWrongPassword. It returns warnings about
// the CA (a short lifetime, a weak key, …).
func (e *Engine) ImportCA(ctx context.Context, name string, files CAFiles) (CA, []string, error) {
	if err := ValidateCAName(name); err != nil {
		return CA{}, nil, err
	}
	cert, key, chain, err := loadCA(files)
	if err != nil {
		return CA{}, nil, err
	}
	return e.store.ImportCA(ctx, name, cert, key, chain)
}

// loadCA reads a CA certificate, its key and its chain from files.
func loadCA(f CAFiles) (*x509.Certificate, crypto.Signer, []*x509.Certificate, error) {
	if f.P12File != "" {
		data, err := input.ReadFile(f.P12File)
		if err != nil {
			return nil, nil, nil, err
		}
		p, err := pki.DecodePKCS12(data, f.Password)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", f.P12File, err)
		}
		if p.Key == nil {
			return nil, nil, nil, fmt.Errorf("%s holds certificates but no private key: a CA needs its key to sign", f.P12File)
		}
		return p.Cert, p.Key, p.Chain, nil
	}
	if f.CertFile == "" {
		return nil, nil, nil, fmt.Errorf("a CA needs its certificate and its key: give both files, or one PKCS#12 file")
	}
	certData, err := input.ReadFile(f.CertFile)
	if err != nil {
		return nil, nil, nil, err
	}
	if pki.LooksLikePKCS12(certData) {
		return loadCA(CAFiles{P12File: f.CertFile, Password: f.Password})
	}
	if f.KeyFile == "" {
		return nil, nil, nil, fmt.Errorf("%s holds no key: give the CA's key file too, or trust the CA by its certificate alone", f.CertFile)
	}
	certs, err := pki.ParseCertificates(certData)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", f.CertFile, err)
	}
	keyData, err := input.ReadFile(f.KeyFile)
	if err != nil {
		return nil, nil, nil, err
	}
	key, err := pki.ParsePrivateKey(keyData, f.Password)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("the private key %s: %w", f.KeyFile, err)
	}
	return certs[0], key, certs[1:], nil
}

// CanSignCRL says why a CA's certificate cannot sign CRLs, or nil.
func (e *Engine) CanSignCRL(ctx context.Context, ca CA) error {
	cert, err := e.store.Certificate(ctx, ca.CertID)
	if err != nil {
		return err
	}
	return vault.CanSignCRL(cert)
}

// ErrTrustOnly means a CA is trusted without its key and cannot issue.
var ErrTrustOnly = vault.ErrTrustOnly

// TrustCA trusts a CA Certdesk does not run: its certificate (PEM or DER,
// with the chain above it after it) is stored without a key, so the test
// server and verify can trust it; it cannot issue, and says so. A
// self-signed client certificate can be trusted this way too.
func (e *Engine) TrustCA(ctx context.Context, name, certFile string) (CA, error) {
	data, err := input.ReadFile(certFile)
	if err != nil {
		return CA{}, err
	}
	certs, err := pki.ParseCertificates(data)
	if err != nil {
		return CA{}, fmt.Errorf("%s: %w", certFile, err)
	}
	return e.store.TrustCA(ctx, name, certs[0], certs[1:])
}
