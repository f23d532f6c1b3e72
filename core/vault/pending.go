package vault

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"certdesk/core/pki"
)

// PendingCA is a CA whose key the vault holds, waiting for its certificate
// from a root the vault does not hold.
type PendingCA struct {
	ID        int64
	Name      string
	CSR       []byte // DER
	CreatedAt time.Time
}

// pendingAAD binds a pending CA's sealed key to its request.
func pendingAAD(csrDER []byte) string {
	sum := sha256.Sum256(csrDER)
	return "pending-ca:" + hex.EncodeToString(sum[:])
}

// CreatePendingCA makes a key (sealed in the vault) and a CSR for a CA
// named name, to be signed by a root elsewhere; it returns the CSR (DER).
func (v *Vault) CreatePendingCA(ctx context.Context, name string, req pki.CARequest) (PendingCA, error) {
	if err := ValidateCAName(name); err != nil {
		return PendingCA{}, err
	}
	vk, err := v.key()
	if err != nil {
		return PendingCA{}, err
	}
	if req.Name.CommonName == "" {
		req.Name.CommonName = name
	}
	if err := v.checkNewCAName(ctx, name); err != nil {
		return PendingCA{}, err
	}
	csr, key, err := pki.CARequestCSR(req)
	if err != nil {
		return PendingCA{}, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return PendingCA{}, fmt.Errorf("encoding the private key: %w", err)
	}
	sealed, err := seal(vk, der, pendingAAD(csr))
	clear(der)
	if err != nil {
		return PendingCA{}, err
	}
	now := v.now().UTC()
	var id int64
	err = v.write(ctx, func(tx *sql.Tx) error {
		var err error
		if id, err = v.insertID(tx, `INSERT INTO pending_cas (name, csr_der, key_sealed, created_at) VALUES (?, ?, ?, ?)`, name, csr, sealed, now.Unix()); err != nil {
			return fmt.Errorf("storing the pending CA: %w", err)
		}
		return v.audit(tx, "ca.request", 0, 0, fmt.Sprintf("CA %q waits for its certificate (CSR made, key sealed)", name))
	})
	if err != nil {
		return PendingCA{}, err
	}
	return PendingCA{ID: id, Name: name, CSR: csr, CreatedAt: now.Truncate(time.Second)}, nil
}

// PendingCAs lists the CAs waiting for their certificate.
func (v *Vault) PendingCAs(ctx context.Context) ([]PendingCA, error) {
	return queryAll(ctx, v.db, "listing pending CAs", func(s scanner) (PendingCA, error) {
		var p PendingCA
		var at int64
		err := s.Scan(&p.ID, &p.Name, &p.CSR, &at)
		p.CreatedAt = time.Unix(at, 0).UTC()
		return p, err
	}, `SELECT id, name, csr_der, created_at FROM pending_cas ORDER BY name`)
}

// ErrNotPending means no CA of that name waits for its certificate.
var ErrNotPending = errors.New("no CA of that name waits for a certificate")

// InstallCACert completes a pending CA with its signed certificate and the
// issuers above it (nearest first): the certificate must be for the
// pending key, a CA that may sign, and signed by the first issuer. The
// pending entry becomes a CA in one transaction.
func (v *Vault) InstallCACert(ctx context.Context, name string, cert *x509.Certificate, issuers []*x509.Certificate) (CA, []string, error) {
	vk, err := v.key()
	if err != nil {
		return CA{}, nil, err
	}
	var csr, sealed []byte
	err = v.db.QueryRowContext(ctx, `SELECT csr_der, key_sealed FROM pending_cas WHERE name = ?`, name).Scan(&csr, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return CA{}, nil, fmt.Errorf("%w: %q (make one with certctl ca create %s --csr-out FILE)", ErrNotPending, name, name)
	}
	if err != nil {
		return CA{}, nil, fmt.Errorf("reading the pending CA: %w", err)
	}
	der, err := open(vk, sealed, pendingAAD(csr))
	if err != nil {
		return CA{}, nil, fmt.Errorf("the key of the pending CA %q does not decrypt: the vault is damaged", name)
	}
	key, err := pki.ParsePrivateKey(der, nil)
	clear(der)
	if err != nil {
		return CA{}, nil, fmt.Errorf("the key of the pending CA %q is damaged: %w", name, err)
	}
	if err := pki.CheckSignedCA(cert, key, issuers); err != nil {
		return CA{}, nil, err
	}
	warnings, err := v.checkImportedCA(name, cert, key)
	if err != nil {
		return CA{}, nil, err
	}
	var chain []byte
	for _, c := range issuers {
		chain = append(chain, pki.EncodeCertPEM(c)...)
	}
	var caID int64
	err = v.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`DELETE FROM pending_cas WHERE name = ?`, name); err != nil {
			return fmt.Errorf("completing the pending CA: %w", err)
		}
		caID, err = v.insertCA(tx, name, cert, key, chain, "ca.install_cert")
		return err
	})
	if err != nil {
		return CA{}, nil, err
	}
	ca, err := v.caByID(ctx, caID)
	return ca, warnings, err
}
