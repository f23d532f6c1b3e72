package vault

import (
	"context"
	"crypto"
	"crypto/x509"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"certdesk/core/pki"
)

// ImportedPKI is a whole PKI brought from elsewhere: a CA with its key,
// its own issuers, what it issued and the last CRL number it used.
type ImportedPKI struct {
	CA        *x509.Certificate
	CAKey     crypto.Signer
	Chain     []*x509.Certificate // the CA's own issuers, nearest first
	Certs     []ImportedCert
	CRLNumber int64
}

// ImportedCert is one certificate a PKI issued, with its key when known.
type ImportedCert struct {
	Cert      *x509.Certificate
	Key       crypto.Signer // nil when the key is not held
	RevokedAt time.Time     // zero unless revoked
	Reason    int
}

// Revoked reports whether the certificate is revoked.
func (c ImportedCert) Revoked() bool { return !c.RevokedAt.IsZero() }

// StorePKI stores a PKI as a new CA named name, with every certificate it
// issued, their keys and revocations, and its CRL number (so the next CRL
// numbers on). It is one transaction: everything is stored or nothing is.
// It returns warnings about the CA itself.
func (v *Vault) StorePKI(ctx context.Context, name string, p ImportedPKI) (CA, []string, error) {
	warnings, err := v.checkImportedCA(name, p.CA, p.CAKey)
	if err != nil {
		return CA{}, nil, err
	}
	for _, e := range p.Certs {
		if e.Key != nil {
			if err := pki.KeyMatchesCertificate(e.Key, e.Cert); err != nil {
				return CA{}, nil, fmt.Errorf("the key found for %q: %w", e.Cert.Subject.CommonName, err)
			}
		}
	}
	var chainPEM strings.Builder
	for _, c := range p.Chain {
		chainPEM.Write(pki.EncodeCertPEM(c))
	}
	var caID int64
	err = v.write(ctx, func(tx *sql.Tx) error {
		if caID, err = v.insertImportedCA(tx, name, p.CA, p.CAKey, []byte(chainPEM.String()), "ca.import"); err != nil {
			return err
		}
		revoked := 0
		for _, e := range p.Certs {
			id, err := v.insertImportedCert(tx, e.Cert, e.Key, kindOf(e.Cert), caID)
			if err != nil {
				return fmt.Errorf("%q (serial %s): %w", e.Cert.Subject.CommonName, pki.SerialHex(e.Cert.SerialNumber), err)
			}
			if e.Revoked() {
				if _, err := tx.Exec(`UPDATE certs SET revoked_at = ?, revocation_reason = ? WHERE id = ?`, e.RevokedAt.UTC().Unix(), e.Reason, id); err != nil {
					return fmt.Errorf("recording a revocation: %w", err)
				}
				revoked++
			}
		}
		if p.CRLNumber > 0 {
			if _, err := tx.Exec(`UPDATE cas SET crl_number = ? WHERE id = ?`, p.CRLNumber, caID); err != nil {
				return fmt.Errorf("recording the CRL number: %w", err)
			}
		}
		return v.audit(tx, "pki.import", caID, 0, fmt.Sprintf("%d certificates (%d revoked), last CRL number %d", len(p.Certs), revoked, p.CRLNumber))
	})
	if err != nil {
		return CA{}, nil, err
	}
	ca, err := v.caByID(ctx, caID)
	return ca, warnings, err
}

// kindOf tells an issuing CA by CA:TRUE, and a server certificate from a
// person's by its extended key usage: serverAuth without clientAuth is a server.
func kindOf(cert *x509.Certificate) Kind {
	if cert.IsCA {
		return KindCA // an issuing CA the imported CA signed
	}
	server, client := false, false
	for _, u := range cert.ExtKeyUsage {
		server = server || u == x509.ExtKeyUsageServerAuth
		client = client || u == x509.ExtKeyUsageClientAuth
	}
	if server && !client {
		return KindServer
	}
	return KindClient
}
