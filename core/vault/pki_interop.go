package vault

import (
	"context"
	"crypto/x509"
	"database/sql"
	"fmt"
	"strings"

	"certdesk/core/interop"
	"certdesk/core/pki"
)

// ExportPKI gathers a CA's whole PKI for another tool: its certificate and
// key, every certificate it issued with the keys the vault holds and their
// revocations, and a freshly signed CRL (so the folder's crl.pem is current).
func (v *Vault) ExportPKI(ctx context.Context, ca CA) (interop.PKI, error) {
	auth, err := v.Authority(ctx, ca)
	if err != nil {
		return interop.PKI{}, err
	}
	chain, err := v.Chain(ctx, ca.CertID)
	if err != nil {
		return interop.PKI{}, err
	}
	crl, err := v.SignCRL(ctx, ca, 0)
	if err != nil {
		return interop.PKI{}, fmt.Errorf("CA %q: %w", ca.Name, err)
	}
	p := interop.PKI{CA: auth.Cert, CAKey: auth.Key, Chain: chain, CRL: crl.DER, CRLNumber: crl.Number}
	recs, err := v.List(ctx, Filter{CAID: ca.ID, Sort: SortID})
	if err != nil {
		return interop.PKI{}, err
	}
	for _, rec := range recs {
		if rec.ID == ca.CertID || rec.Kind == KindCA {
			continue
		}
		cert, err := v.Certificate(ctx, rec.ID)
		if err != nil {
			return interop.PKI{}, err
		}
		e := interop.Entry{Cert: cert, RevokedAt: rec.RevokedAt, Reason: rec.RevocationReason}
		if rec.HasKey {
			if e.Key, err = v.PrivateKey(ctx, rec.ID); err != nil {
				return interop.PKI{}, err
			}
		}
		p.Certs = append(p.Certs, e)
	}
	return p, nil
}

// ImportPKI stores a PKI read from another tool as a new CA named name,
// with every certificate it issued, their keys and revocations, and its CRL
// number (so the next CRL numbers on). It is one transaction: everything
// is stored or nothing is. It returns warnings about the CA itself.
func (v *Vault) ImportPKI(ctx context.Context, name string, p interop.PKI) (CA, []string, error) {
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
		if caID, err = v.insertCA(tx, name, p.CA, p.CAKey, []byte(chainPEM.String()), "ca.import"); err != nil {
			return err
		}
		revoked := 0
		for _, e := range p.Certs {
			id, err := v.insertCert(tx, e.Cert, e.Key, kindOf(e.Cert), caID, 0)
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

// kindOf tells a server certificate from a person's by its extended key
// usage: serverAuth without clientAuth is a server.
func kindOf(cert *x509.Certificate) Kind {
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
