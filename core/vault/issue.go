package vault

import (
	"context"
	"crypto/x509"
	"database/sql"
	"fmt"
	"time"

	"certdesk/core/pki"
)

// IssuePerson issues a person (client) certificate from the CA and stores
// it with its sealed key.
func (v *Vault) IssuePerson(ctx context.Context, ca CA, req pki.PersonRequest) (Record, error) {
	return issueAs(ctx, v, ca, req, pki.Authority.IssuePerson, KindClient)
}

// IssueServer issues a server certificate from the CA and stores it.
func (v *Vault) IssueServer(ctx context.Context, ca CA, req pki.ServerRequest) (Record, error) {
	return issueAs(ctx, v, ca, req, pki.Authority.IssueServer, KindServer)
}

// issueAs signs req with the CA's key and stores the certificate as kind.
func issueAs[R any](ctx context.Context, v *Vault, ca CA, req R, sign func(pki.Authority, R, time.Time) (*pki.Issued, error), kind Kind) (Record, error) {
	auth, err := v.Authority(ctx, ca)
	if err != nil {
		return Record{}, err
	}
	issued, err := sign(auth, req, v.now())
	if err != nil {
		return Record{}, err
	}
	return v.storeIssued(ctx, ca, issued, kind, "cert.issue", 0)
}

// SignCSR signs a certificate request with the CA's profile and stores the
// certificate (the vault never sees the requester's key).
func (v *Vault) SignCSR(ctx context.Context, ca CA, csr *x509.CertificateRequest, profile pki.CSRProfile, validity pki.Validity) (Record, error) {
	auth, err := v.Authority(ctx, ca)
	if err != nil {
		return Record{}, err
	}
	issued, err := auth.SignCSR(csr, profile, validity, v.now())
	if err != nil {
		return Record{}, err
	}
	kind := KindClient
	if profile == pki.ServerProfile {
		kind = KindServer
	}
	return v.storeIssued(ctx, ca, issued, kind, "cert.sign_csr", 0)
}

func (v *Vault) storeIssued(ctx context.Context, ca CA, issued *pki.Issued, kind Kind, action string, renewedFrom int64) (Record, error) {
	var id int64
	err := v.write(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = v.insertCert(tx, issued.Cert, issued.Key, kind, ca.ID, renewedFrom)
		if err != nil {
			return err
		}
		return v.audit(tx, action, ca.ID, id, fmt.Sprintf("%s certificate %q, serial %s, by CA %q", kind, issued.Cert.Subject.CommonName, pki.SerialHex(issued.Cert.SerialNumber), ca.Name))
	})
	if err != nil {
		return Record{}, err
	}
	return v.Get(ctx, id)
}
