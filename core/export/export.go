// Package export turns certificates and keys into the files people hand
// over: PEM, DER, PKCS#8 keys, curl bundles, chains and PKCS#12.
package export

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// Format is a kind of export file.
type Format string

// The export formats.
const (
	PEM    Format = "pem"    // the certificate, PEM
	DER    Format = "der"    // the certificate, DER
	Key    Format = "key"    // the private key, PKCS#8 PEM (encrypted when a password is given)
	Bundle Format = "bundle" // certificate, intermediates and key in one PEM file, for curl -E and many servers
	Chain  Format = "chain"  // the certificate followed by its issuers, PEM
	P12    Format = "p12"    // PKCS#12 with key, certificate and chain, password-protected
)

// Formats lists every export format.
var Formats = []Format{PEM, DER, Key, Bundle, Chain, P12}

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "pfx", "pkcs12":
		return P12, nil
	case "crt", "cert":
		return PEM, nil
	}
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q: use pem, der, key, bundle, chain or p12", s)
}

// Secret reports whether the format carries private key material, so its
// file must be written 0600.
func (f Format) Secret() bool { return f == Key || f == Bundle || f == P12 }

// TakesPassword reports whether the format can be protected by a password:
// PKCS#12 always is, a key or bundle is encrypted when one is given.
func (f Format) TakesPassword() bool { return f.Secret() }

// Extension is the usual file name ending for the format.
func (f Format) Extension() string {
	switch f {
	case DER:
		return ".der"
	case Key:
		return ".key"
	case Bundle:
		return "-bundle.pem"
	case Chain:
		return "-chain.pem"
	case P12:
		return ".p12"
	}
	return ".pem"
}

// Material is what an export draws on.
type Material struct {
	Cert  *x509.Certificate
	Key   crypto.Signer       // nil when the vault holds no key
	Chain []*x509.Certificate // issuers, nearest first
}

// Options tune an export.
type Options struct {
	// Password protects a PKCS#12 file (required) or encrypts a key file (optional).
	Password string
	// Preset picks the PKCS#12 encryption (default Compatible).
	Preset Preset
}

// ErrNoKey is returned when a format needs a private key the vault does not hold.
var ErrNoKey = errors.New("the vault holds no private key for this certificate (it was signed from a CSR); export it as pem, der or chain")

// Encode produces the bytes of an export.
func Encode(m Material, f Format, opts Options) ([]byte, error) {
	if m.Cert == nil {
		return nil, errors.New("nothing to export: no certificate")
	}
	if f.Secret() && m.Key == nil {
		return nil, ErrNoKey
	}
	switch f {
	case PEM:
		return certPEM(m.Cert), nil
	case DER:
		return append([]byte(nil), m.Cert.Raw...), nil
	case Chain:
		out := certPEM(m.Cert)
		for _, c := range m.Chain {
			out = append(out, certPEM(c)...)
		}
		return out, nil
	case Key:
		return KeyPEM(m.Key, opts.Password)
	case Bundle:
		out := certPEM(m.Cert)
		for _, c := range m.Chain {
			if isSelfSigned(c) {
				continue // a root is never sent by the client; the server has it
			}
			out = append(out, certPEM(c)...)
		}
		key, err := KeyPEM(m.Key, opts.Password)
		if err != nil {
			return nil, err
		}
		return append(out, key...), nil
	case P12:
		return PKCS12(m, opts.Preset, opts.Password)
	}
	return nil, fmt.Errorf("unknown format %q", f)
}

func certPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

func isSelfSigned(c *x509.Certificate) bool {
	return c.Subject.String() == c.Issuer.String() && c.CheckSignatureFrom(c) == nil
}
