package pki

import (
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"

	"software.sslmate.com/src/go-pkcs12"
)

// ErrNotPKCS12 means data is not a PKCS#12 (PFX) file.
var ErrNotPKCS12 = errors.New("not a PKCS#12 file")

// LooksLikePKCS12 tells a PKCS#12 file by its structure, with no password:
// SEQUENCE { INTEGER 3, ContentInfo, [MacData] }.
func LooksLikePKCS12(data []byte) bool {
	var pfx struct {
		Version  int
		AuthSafe asn1.RawValue
		Rest     asn1.RawValue `asn1:"optional"`
	}
	rest, err := asn1.Unmarshal(data, &pfx)
	return err == nil && len(rest) == 0 && pfx.Version == 3
}

// PKCS12Contents is what a PKCS#12 file holds: a key with its certificate
// and chain, or (a trust store) certificates alone.
type PKCS12Contents struct {
	Key   crypto.Signer // nil for a trust store
	Cert  *x509.Certificate
	Chain []*x509.Certificate
}

// DecodePKCS12 opens a PKCS#12 file. A wrong password is ErrWrongPassword,
// or ErrPasswordNeeded when none was given.
func DecodePKCS12(data []byte, password []byte) (PKCS12Contents, error) {
	if !LooksLikePKCS12(data) {
		return PKCS12Contents{}, ErrNotPKCS12
	}
	key, cert, chain, err := DecodePKCS12Chain(data, string(password))
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		if len(password) == 0 {
			return PKCS12Contents{}, fmt.Errorf("a PKCS#12 file: %w", ErrPasswordNeeded)
		}
		return PKCS12Contents{}, fmt.Errorf("the PKCS#12 password: %w", ErrWrongPassword)
	}
	if err != nil {
		if errors.Is(err, ErrTooManyIterations) {
			return PKCS12Contents{}, err
		}
		certs, terr := DecodePKCS12TrustStore(data, string(password))
		if terr != nil || len(certs) == 0 {
			return PKCS12Contents{}, fmt.Errorf("reading the PKCS#12 file: %w", err)
		}
		return PKCS12Contents{Cert: certs[0], Chain: certs[1:]}, nil
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return PKCS12Contents{}, fmt.Errorf("the PKCS#12 file holds a key of unsupported type %T", key)
	}
	return PKCS12Contents{Key: signer, Cert: cert, Chain: chain}, nil
}
