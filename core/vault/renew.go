package vault

import (
	"context"
	"crypto"
	"database/sql"
	"fmt"
	"time"

	"certdesk/core/pki"
)

// RenewOptions tune a renewal.
type RenewOptions struct {
	// Days of the new certificate; 0 keeps the old certificate's lifetime.
	Days int
	// KeyType of the new key; "" keeps the old certificate's key type.
	KeyType pki.KeyType
	// RevokeOld revokes the old certificate as superseded.
	RevokeOld bool
	// KeepKey signs the old certificate's public key again instead of
	// making a new key: the holder keeps using the key they have. It also
	// renews certificates signed from a CSR, whose key the vault never saw.
	KeepKey bool
}

// Renew issues a new certificate for the same subject (name, e-mail or DNS
// names and IP addresses) with a new key, records which certificate it
// renews, and optionally revokes the old one as superseded, in one
// transaction.
func (v *Vault) Renew(ctx context.Context, id int64, opts RenewOptions) (Record, error) {
	old, err := v.Get(ctx, id)
	if err != nil {
		return Record{}, err
	}
	if old.Kind == KindCA {
		return Record{}, fmt.Errorf("%q is a CA: renewing a CA is not supported yet; create a new CA", old.CommonName)
	}
	if old.CAID == 0 {
		return Record{}, fmt.Errorf("%q was not issued by a CA in this vault", old.CommonName)
	}
	if !old.HasKey && !opts.KeepKey {
		return Record{}, fmt.Errorf("%q was signed from a CSR, so the vault has no key for it: renew it keeping its key, or sign a new CSR", old.CommonName)
	}
	if opts.KeepKey && opts.KeyType != "" {
		return Record{}, fmt.Errorf("a renewal that keeps the key cannot change the key type")
	}
	oldCert, err := v.Certificate(ctx, id)
	if err != nil {
		return Record{}, err
	}
	ca, err := v.caByID(ctx, old.CAID)
	if err != nil {
		return Record{}, err
	}
	auth, err := v.Authority(ctx, ca)
	if err != nil {
		return Record{}, err
	}
	kt := opts.KeyType
	if kt == "" {
		kt = keyTypeOf(old.KeyType)
	}
	validity := pki.Validity{Days: opts.Days}
	if opts.Days == 0 {
		validity.Days = max(1, int(oldCert.NotAfter.Sub(oldCert.NotBefore).Round(24*time.Hour)/(24*time.Hour)))
	}
	now := v.now()
	serverReq := pki.ServerRequest{CommonName: oldCert.Subject.CommonName, Organization: first(oldCert.Subject.Organization),
		DNSNames: oldCert.DNSNames, IPAddresses: oldCert.IPAddresses, KeyType: kt, Validity: validity}
	personReq := pki.PersonRequest{Name: pki.Name{CommonName: oldCert.Subject.CommonName,
		Organization: first(oldCert.Subject.Organization), OrganizationalUnit: first(oldCert.Subject.OrganizationalUnit)},
		Emails: oldCert.EmailAddresses, KeyType: kt, Validity: validity}
	var issued *pki.Issued
	switch {
	case opts.KeepKey:
		var key crypto.Signer
		if old.HasKey {
			if key, err = v.PrivateKey(ctx, id); err != nil {
				return Record{}, err
			}
		}
		if old.Kind == KindServer {
			issued, err = auth.IssueServerWithKey(serverReq, oldCert.PublicKey, key, now)
		} else {
			issued, err = auth.IssuePersonWithKey(personReq, oldCert.PublicKey, key, now)
		}
	case old.Kind == KindServer:
		issued, err = auth.IssueServer(serverReq, now)
	default:
		issued, err = auth.IssuePerson(personReq, now)
	}
	if err != nil {
		return Record{}, err
	}
	var newID int64
	err = v.write(ctx, func(tx *sql.Tx) error {
		newID, err = v.insertCert(tx, issued.Cert, issued.Key, old.Kind, ca.ID, old.ID)
		if err != nil {
			return err
		}
		if opts.RevokeOld && !old.Revoked() {
			if _, err := tx.Exec(`UPDATE certs SET revoked_at = ?, revocation_reason = 4 WHERE id = ? AND revoked_at IS NULL`, now.UTC().Unix(), old.ID); err != nil {
				return fmt.Errorf("revoking the old certificate: %w", err)
			}
			if err := v.audit(tx, "cert.revoke", ca.ID, old.ID, fmt.Sprintf("revoked %q, serial %s, reason superseded (renewed as %d)", old.CommonName, old.Serial, newID)); err != nil {
				return err
			}
		}
		return v.audit(tx, "cert.renew", ca.ID, newID, fmt.Sprintf("renewed %q: serial %s replaces %s", old.CommonName, pki.SerialHex(issued.Cert.SerialNumber), old.Serial))
	})
	if err != nil {
		return Record{}, err
	}
	return v.Get(ctx, newID)
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// keyTypeOf maps a stored key description back to a key type.
func keyTypeOf(desc string) pki.KeyType {
	switch desc {
	case "ECDSA P-384":
		return pki.ECDSAP384
	case "RSA 2048":
		return pki.RSA2048
	case "RSA 3072":
		return pki.RSA3072
	case "RSA 4096":
		return pki.RSA4096
	case "Ed25519":
		return pki.Ed25519
	}
	return pki.ECDSAP256
}
