package verdict

import (
	"crypto/x509"
	"strings"
	"time"

	"certdesk/core/pki"
)

// Revocation is why and when a certificate was revoked.
type Revocation struct {
	Reason string
	Time   time.Time
}

// Trust is what a judge relies on: the trusted CAs and the revocation state.
// It is immutable once built, so a server can swap it atomically and judge
// with it from many goroutines.
type Trust struct {
	roots   *x509.CertPool
	cas     []*x509.Certificate
	bySubj  map[string][]*x509.Certificate
	serials map[string]Revocation // issuer public-key hash + "/" + serial hex
	prints  map[string]Revocation // SHA-256 fingerprint, colon hex
}

// NewTrust builds a Trust from CA certificates (roots or intermediates held
// as trust anchors).
func NewTrust(cas []*x509.Certificate) *Trust {
	t := &Trust{roots: x509.NewCertPool(), bySubj: map[string][]*x509.Certificate{},
		serials: map[string]Revocation{}, prints: map[string]Revocation{}}
	for _, c := range cas {
		t.roots.AddCert(c)
		t.cas = append(t.cas, c)
		t.bySubj[string(c.RawSubject)] = append(t.bySubj[string(c.RawSubject)], c)
	}
	return t
}

// CAs returns the trusted CA certificates.
func (t *Trust) CAs() []*x509.Certificate { return t.cas }

// RevokeSerial records that the certificate with this serial, issued by the
// CA whose certificate is issuer, is revoked. Call it only while building.
func (t *Trust) RevokeSerial(issuer *x509.Certificate, serialHex string, r Revocation) {
	t.serials[serialKey(issuer, serialHex)] = r
}

// RevokeFingerprint records a denied certificate by its SHA-256 fingerprint
// (any common form). Call it only while building.
func (t *Trust) RevokeFingerprint(fingerprint string, r Revocation) error {
	fp, err := pki.ParseFingerprintSHA256(fingerprint)
	if err != nil {
		return err
	}
	t.prints[fp] = r
	return nil
}

// Revocations is the number of revocation entries held.
func (t *Trust) Revocations() int { return len(t.serials) + len(t.prints) }

func serialKey(issuer *x509.Certificate, serialHex string) string {
	return pki.PublicKeySHA256(issuer.PublicKey) + "/" + strings.ToUpper(serialHex)
}

func (t *Trust) revokedSerial(issuer, leaf *x509.Certificate) (Revocation, bool) {
	r, ok := t.serials[serialKey(issuer, pki.SerialHex(leaf.SerialNumber))]
	return r, ok
}

func (t *Trust) revokedFingerprint(fp string) (Revocation, bool) {
	r, ok := t.prints[fp]
	return r, ok
}

// Only returns a copy of the trust that keeps ca as the sole trust anchor,
// with the same revocation state.
func (t *Trust) Only(ca *x509.Certificate) *Trust {
	n := NewTrust([]*x509.Certificate{ca})
	n.serials, n.prints = t.serials, t.prints
	return n
}
