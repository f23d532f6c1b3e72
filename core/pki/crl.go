package pki

import (
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// DefaultCRLValidity is how long a CRL is valid before the next must be signed.
const DefaultCRLValidity = 30 * 24 * time.Hour

// Revoked is one entry of a CRL.
type Revoked struct {
	Serial *big.Int
	Time   time.Time
	Reason int // RFC 5280 reason code
}

// CRLRequest asks for a CRL.
type CRLRequest struct {
	Number     *big.Int
	ThisUpdate time.Time
	NextUpdate time.Time
	Entries    []Revoked
}

// CheckCanSignCRL reports why the CA cannot sign CRLs, if it cannot: Go
// requires KeyUsage cRLSign and a Subject Key Identifier.
func (a Authority) CheckCanSignCRL() error {
	if a.Cert == nil || a.Key == nil {
		return errors.New("the CA has no private key in the vault, so it cannot sign a CRL")
	}
	if a.Cert.KeyUsage&x509.KeyUsageCRLSign == 0 {
		return fmt.Errorf("the CA %q lacks the cRLSign key usage, so it cannot sign CRLs (mkcert and minica make such CAs); use the fingerprint deny-list or the test server instead, or create a new CA", a.Cert.Subject.CommonName)
	}
	if len(a.Cert.SubjectKeyId) == 0 {
		return fmt.Errorf("the CA %q has no Subject Key Identifier, which a CRL needs", a.Cert.Subject.CommonName)
	}
	return nil
}

// SignCRL signs an X.509 v2 CRL with the entries, reason codes and an
// Authority Key Identifier; it returns the DER.
func (a Authority) SignCRL(req CRLRequest) ([]byte, error) {
	if err := a.CheckCanSignCRL(); err != nil {
		return nil, err
	}
	if req.Number == nil || req.Number.Sign() <= 0 {
		return nil, errors.New("a CRL number must be positive")
	}
	if !req.NextUpdate.After(req.ThisUpdate) {
		return nil, errors.New("the CRL's next update must come after this update")
	}
	entries := make([]x509.RevocationListEntry, 0, len(req.Entries))
	for _, e := range req.Entries {
		entries = append(entries, x509.RevocationListEntry{SerialNumber: e.Serial, RevocationTime: e.Time.UTC(), ReasonCode: e.Reason})
	}
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number:                    req.Number,
		ThisUpdate:                req.ThisUpdate.UTC().Truncate(time.Second),
		NextUpdate:                req.NextUpdate.UTC().Truncate(time.Second),
		RevokedCertificateEntries: entries,
	}, a.Cert, a.Key)
	if err != nil {
		return nil, fmt.Errorf("signing the CRL: %w", err)
	}
	return der, nil
}
