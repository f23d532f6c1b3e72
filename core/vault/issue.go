package vault

import (
	"context"
	"crypto/x509"
	"database/sql"
	"fmt"
	"net"
	"time"

	"certdesk/core/pki"
)

// IssuePerson issues a person (client) certificate from the CA and stores
// it with its sealed key.
func (v *Vault) IssuePerson(ctx context.Context, ca CA, req pki.PersonRequest) (Record, error) {
	auth, err := v.Authority(ctx, ca)
	if err != nil {
		return Record{}, err
	}
	issued, err := auth.IssuePerson(req, v.now())
	if err != nil {
		return Record{}, err
	}
	return v.storeIssued(ctx, ca, issued, KindClient, "cert.issue", 0)
}

// IssueServer issues a server certificate from the CA and stores it.
func (v *Vault) IssueServer(ctx context.Context, ca CA, req pki.ServerRequest) (Record, error) {
	auth, err := v.Authority(ctx, ca)
	if err != nil {
		return Record{}, err
	}
	issued, err := auth.IssueServer(req, v.now())
	if err != nil {
		return Record{}, err
	}
	return v.storeIssued(ctx, ca, issued, KindServer, "cert.issue", 0)
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

// TestServerName is the common name of the test server's certificate.
const TestServerName = "Certdesk test server"

// TestServerCertificate returns the CA's certificate for the local test
// server (localhost, 127.0.0.1, ::1; ECDSA P-256), issuing one when there is
// none still valid for at least a day, so it is kept and reused.
func (v *Vault) TestServerCertificate(ctx context.Context, ca CA) (Record, error) {
	now := v.now()
	recs, err := v.query(ctx, `c.ca_id = ? AND c.kind = 'server' AND c.common_name = ? AND c.revoked_at IS NULL
		AND c.has_key = 1 AND c.not_before <= ? AND c.not_after > ? ORDER BY c.not_after DESC LIMIT 1`,
		ca.ID, TestServerName, now.Unix(), now.Add(24*time.Hour).Unix())
	if err != nil {
		return Record{}, err
	}
	if len(recs) == 1 {
		return recs[0], nil
	}
	days := pki.DefaultLeafDays
	if left := int(ca.Cert.NotAfter.Sub(now).Hours() / 24); left < days {
		days = left
	}
	if days < 1 {
		return Record{}, fmt.Errorf("the CA %q expires within a day: it cannot issue the test server's certificate", ca.Name)
	}
	return v.IssueServer(ctx, ca, pki.ServerRequest{
		CommonName: TestServerName, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, Validity: pki.Validity{Days: days},
	})
}
