// Package interop moves a CA's whole PKI between Certdesk and the tools
// admins already use: an easy-rsa 3 folder (which `openssl ca` reads too)
// and the PEM bundle XCA exports. It reads and writes files only; the vault
// stores what it reads.
package interop

import (
	"crypto"
	"crypto/x509"
	"time"
)

// PKI is one CA with everything it issued, as other tools keep it.
type PKI struct {
	CA    *x509.Certificate
	CAKey crypto.Signer       // nil when the source holds no CA key
	Chain []*x509.Certificate // the CA's own issuers, nearest first
	Certs []Entry             // what the CA issued
	// CRL is the CA's latest CRL (DER), if any; CRLNumber the highest CRL
	// number used so far, so the next one is never lower.
	CRL       []byte
	CRLNumber int64
}

// Entry is one certificate the CA issued, with its key when known.
type Entry struct {
	Cert      *x509.Certificate
	Key       crypto.Signer // nil when the key is not held
	RevokedAt time.Time     // zero unless revoked
	Reason    int           // RFC 5280 reason code when revoked
}

// Revoked reports whether the entry is revoked.
func (e Entry) Revoked() bool { return !e.RevokedAt.IsZero() }
