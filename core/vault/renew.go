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
	return v.RenewIfUnchanged(ctx, id, opts, 0)
}

// RenewIfUnchanged is Renew for a caller who saw the old certificate at
// version seen: a *ConflictError when it changed since (0: no check). A
// renewal changes the old certificate's version too, so of two admins
// renewing one certificate they both saw, one renews it.
func (v *Vault) RenewIfUnchanged(ctx context.Context, id int64, opts RenewOptions, seen int64) (Record, error) {
	old, err := v.Get(ctx, id)
	if err != nil {
		return Record{}, err
	}
	if err := renewable(old, opts); err != nil {
		return Record{}, err
	}
	ca, err := v.caByID(ctx, old.CAID)
	if err != nil {
		return Record{}, err
	}
	issued, err := v.issueRenewal(ctx, ca, old, opts)
	if err != nil {
		return Record{}, err
	}
	newID, err := v.storeRenewal(ctx, ca, old, issued, opts.RevokeOld, seen)
	if err != nil {
		return Record{}, err
	}
	return v.Get(ctx, newID)
}

// renewable says why a certificate cannot be renewed so, or nil.
func renewable(old Record, opts RenewOptions) error {
	switch {
	case old.Kind == KindCA:
		return fmt.Errorf("%q is a CA: renewing a CA is not supported yet; create a new CA", old.CommonName)
	case old.CAID == 0:
		return fmt.Errorf("%q was not issued by a CA in this vault", old.CommonName)
	case !old.HasKey && !opts.KeepKey:
		return fmt.Errorf("%q was signed from a CSR, so the vault has no key for it: renew it keeping its key, or sign a new CSR", old.CommonName)
	case opts.KeepKey && opts.KeyType != "":
		return fmt.Errorf("a renewal that keeps the key cannot change the key type")
	}
	return nil
}

// issueRenewal signs the new certificate: the old one's subject, names and
// lifetime, with a new key or (KeepKey) the old one.
func (v *Vault) issueRenewal(ctx context.Context, ca CA, old Record, opts RenewOptions) (*pki.Issued, error) {
	oldCert, err := v.Certificate(ctx, old.ID)
	if err != nil {
		return nil, err
	}
	auth, err := v.Authority(ctx, ca)
	if err != nil {
		return nil, err
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
	subject := oldCert.Subject
	serverReq := pki.ServerRequest{CommonName: subject.CommonName, Organization: first(subject.Organization),
		DNSNames: oldCert.DNSNames, IPAddresses: oldCert.IPAddresses, KeyType: kt, Validity: validity}
	personReq := pki.PersonRequest{Name: pki.Name{CommonName: subject.CommonName,
		Organization: first(subject.Organization), OrganizationalUnit: first(subject.OrganizationalUnit)},
		Emails: oldCert.EmailAddresses, KeyType: kt, Validity: validity}
	if !opts.KeepKey {
		if old.Kind == KindServer {
			return auth.IssueServer(serverReq, now)
		}
		return auth.IssuePerson(personReq, now)
	}
	var key crypto.Signer
	if old.HasKey {
		if key, err = v.PrivateKey(ctx, old.ID); err != nil {
			return nil, err
		}
	}
	if old.Kind == KindServer {
		return auth.IssueServerWithKey(serverReq, oldCert.PublicKey, key, now)
	}
	return auth.IssuePersonWithKey(personReq, oldCert.PublicKey, key, now)
}

// storeRenewal stores the new certificate, linked to the old one, and
// revokes the old one as superseded when asked, in one transaction.
func (v *Vault) storeRenewal(ctx context.Context, ca CA, old Record, issued *pki.Issued, revokeOld bool, seen int64) (int64, error) {
	var newID int64
	err := v.write(ctx, func(tx *sql.Tx) error {
		if err := v.edit(tx, certRow(old), seen); err != nil {
			return err
		}
		var err error
		newID, err = v.insertCert(tx, issued.Cert, issued.Key, old.Kind, ca.ID, old.ID)
		if err != nil {
			return err
		}
		if revokeOld && !old.Revoked() {
			if _, err := tx.Exec(`UPDATE certs SET revoked_at = ?, revocation_reason = 4 WHERE id = ? AND revoked_at IS NULL`, v.now().UTC().Unix(), old.ID); err != nil {
				return fmt.Errorf("revoking the old certificate: %w", err)
			}
			if err := v.audit(tx, "cert.revoke", ca.ID, old.ID, fmt.Sprintf("revoked %q, serial %s, reason superseded (renewed as %d)", old.CommonName, old.Serial, newID)); err != nil {
				return err
			}
		}
		return v.audit(tx, "cert.renew", ca.ID, newID, fmt.Sprintf("renewed %q: serial %s replaces %s", old.CommonName, pki.SerialHex(issued.Cert.SerialNumber), old.Serial))
	})
	return newID, err
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
