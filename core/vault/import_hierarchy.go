package vault

import (
	"crypto"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"

	"certdesk/core/pki"
)

// Importing a hierarchy one PKI at a time (an easy-rsa folder per CA):
// the parent lists the issuing CA's certificate among what it issued, and
// the issuing CA's own folder brings the same certificate again. Whichever
// comes first, the certificate is stored once, as issued by the parent,
// and becomes the issuing CA's own.

// insertImportedCA stores an imported CA. When its certificate is already
// in the vault as issued by a vault CA (the parent was imported first), that
// record becomes the CA's own, with the key sealed onto it.
func (v *Vault) insertImportedCA(tx *sql.Tx, name string, cert *x509.Certificate, key crypto.Signer, chainPEM []byte, action string) (int64, error) {
	certID, err := issuedCARecord(tx, cert)
	if err != nil || certID == 0 {
		if err == nil {
			return v.insertCA(tx, name, cert, key, chainPEM, action)
		}
		return 0, err
	}
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM cas WHERE name = ?`, name).Scan(&n); err != nil {
		return 0, fmt.Errorf("checking CA names: %w", err)
	}
	if n > 0 {
		return 0, fmt.Errorf("%w: a CA named %q is already in the vault; choose another name", ErrExists, name)
	}
	sealed, err := v.sealKeyOf(cert, key)
	if err != nil {
		return 0, err
	}
	caID, err := v.insertID(tx, `INSERT INTO cas (name, cert_id, chain_pem, created_at) VALUES (?, ?, ?, ?)`, name, certID, string(chainPEM), v.now().UTC().Unix())
	if err != nil {
		return 0, fmt.Errorf("storing the CA: %w", err)
	}
	if sealed != nil {
		if _, err := tx.Exec(`UPDATE cert_blobs SET key_sealed = ? WHERE cert_id = ?`, sealed, certID); err != nil {
			return 0, fmt.Errorf("storing the CA's key: %w", err)
		}
		if _, err := tx.Exec(`UPDATE certs SET has_key = 1 WHERE id = ?`, certID); err != nil {
			return 0, fmt.Errorf("storing the CA's key: %w", err)
		}
	}
	if err := v.touch(tx, certIDRow(certID)); err != nil {
		return 0, err
	}
	return caID, v.audit(tx, action, caID, certID, fmt.Sprintf("CA %q, CN %q, serial %s, under the vault CA that issued it", name, cert.Subject.CommonName, pki.SerialHex(cert.SerialNumber)))
}

// issuedCARecord is the id of a CA certificate in the vault issued by a
// vault CA and not yet any CA's own, or 0.
func issuedCARecord(tx *sql.Tx, cert *x509.Certificate) (int64, error) {
	var id int64
	err := tx.QueryRow(`SELECT id FROM certs WHERE fingerprint_sha256 = ? AND kind = 'ca' AND ca_id IS NOT NULL
		AND id NOT IN (SELECT cert_id FROM cas WHERE cert_id IS NOT NULL)`, pki.FingerprintSHA256(cert.Raw)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("looking for the CA's certificate: %w", err)
	}
	return id, nil
}

// insertImportedCert stores a certificate an imported CA issued. When it is
// the certificate of a vault CA imported earlier on its own (the issuing
// CA came before its parent), that CA now stands under the parent.
func (v *Vault) insertImportedCert(tx *sql.Tx, cert *x509.Certificate, key crypto.Signer, kind Kind, caID int64) (int64, error) {
	if kind == KindCA {
		var id int64
		err := tx.QueryRow(`SELECT c.id FROM certs c JOIN cas a ON a.cert_id = c.id AND a.id = c.ca_id WHERE c.fingerprint_sha256 = ?`, pki.FingerprintSHA256(cert.Raw)).Scan(&id)
		if err == nil {
			if _, err := tx.Exec(`UPDATE certs SET ca_id = ? WHERE id = ?`, caID, id); err != nil {
				return 0, fmt.Errorf("placing the issuing CA under its parent: %w", err)
			}
			return id, v.touch(tx, certIDRow(id))
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("looking for the issuing CA: %w", err)
		}
	}
	return v.insertCert(tx, cert, key, kind, caID, 0)
}

// sealKeyOf seals a CA's key as insertCert does, nil for no key.
func (v *Vault) sealKeyOf(cert *x509.Certificate, key crypto.Signer) ([]byte, error) {
	if key == nil {
		return nil, nil
	}
	vk, err := v.key()
	if err != nil {
		return nil, err
	}
	if err := pki.KeyMatchesCertificate(key, cert); err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encoding the private key: %w", err)
	}
	defer clear(der)
	return seal(vk, der, keyAADPrefix+pki.FingerprintSHA256(cert.Raw))
}
