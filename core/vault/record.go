package vault

import (
	"crypto/x509"
	"database/sql"
	"strings"
	"time"

	"certdesk/core/certinfo"
	"certdesk/core/pki"
)

// Kind says what a certificate in the vault is for.
type Kind string

// The kinds of certificate the vault holds.
const (
	KindCA     Kind = "ca"
	KindClient Kind = "client"
	KindServer Kind = "server"
)

// Record is a certificate as the vault lists it: the display fields written
// at issue time, with no parsing needed.
type Record struct {
	ID                int64
	CAID              int64
	CAName            string
	Kind              Kind
	CommonName        string
	Organization      string
	Emails            []string
	DNSNames          []string
	IPAddresses       []string
	Subject           string
	Issuer            string
	IssuerCommonName  string
	Serial            string
	NotBefore         time.Time
	NotAfter          time.Time
	KeyType           string
	FingerprintSHA256 string
	FingerprintSHA1   string
	IsCA              bool
	HasKey            bool
	CreatedAt         time.Time
	RevokedAt         time.Time // zero unless revoked
	RevocationReason  int
	RenewedFrom       int64
	// Version changes with every change of the record (versions.go): an
	// edit that names the version it saw is refused when it changed since.
	Version int64
}

// Revoked reports whether the certificate is revoked.
func (r Record) Revoked() bool { return !r.RevokedAt.IsZero() }

// Status is the record's status at time now.
func (r Record) Status(now time.Time) certinfo.Status {
	return certinfo.StatusAt(r.NotBefore, r.NotAfter, r.Revoked(), now)
}

// Info describes the record with the shared JSON fields, from its columns alone.
func (r Record) Info(now time.Time) certinfo.Info {
	info := certinfo.Info{
		ID: r.ID, Kind: string(r.Kind), CA: r.CAName,
		CommonName: r.CommonName, Subject: r.Subject, Issuer: r.Issuer,
		IssuerCommonName: r.IssuerCommonName, Serial: r.Serial,
		NotBefore: r.NotBefore, NotAfter: r.NotAfter, Status: r.Status(now),
		DaysLeft:          certinfo.DaysLeft(r.NotAfter, now),
		FingerprintSHA256: r.FingerprintSHA256, FingerprintSHA1: r.FingerprintSHA1,
		KeyType: r.KeyType, Emails: nonNil(r.Emails), DNSNames: nonNil(r.DNSNames),
		IPAddresses: nonNil(r.IPAddresses), IsCA: r.IsCA, HasKey: r.HasKey, Version: r.Version,
	}
	if r.Revoked() {
		info.Revocation = &certinfo.Revocation{Reason: ReasonName(r.RevocationReason), Time: r.RevokedAt}
	}
	return info
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// recordFromCert derives the display columns of a certificate.
func recordFromCert(cert *x509.Certificate, kind Kind) Record {
	d := certinfo.Describe(cert, time.Now())
	org := ""
	if len(cert.Subject.Organization) > 0 {
		org = certinfo.Clean(cert.Subject.Organization[0])
	}
	return Record{
		Kind: kind, CommonName: d.CommonName, Organization: org,
		Emails: d.Emails, DNSNames: d.DNSNames, IPAddresses: d.IPAddresses,
		Subject: d.Subject, Issuer: d.Issuer, IssuerCommonName: d.IssuerCommonName,
		Serial: d.Serial, NotBefore: d.NotBefore, NotAfter: d.NotAfter,
		KeyType: d.KeyType, FingerprintSHA256: d.FingerprintSHA256,
		FingerprintSHA1: d.FingerprintSHA1, IsCA: d.IsCA,
	}
}

func (r Record) searchText() string {
	parts := []string{r.CommonName, r.Organization, r.Serial, strings.ReplaceAll(r.FingerprintSHA256, ":", "")}
	parts = append(parts, r.Emails...)
	parts = append(parts, r.DNSNames...)
	parts = append(parts, r.IPAddresses...)
	return strings.ToLower(strings.Join(parts, "\n"))
}

const recordColumns = `c.id, COALESCE(c.ca_id, 0), COALESCE(a.name, ''), c.kind, c.common_name, c.organization,
	c.emails, c.dns_names, c.ip_addresses, c.subject, c.issuer, c.issuer_common_name, c.serial,
	c.not_before, c.not_after, c.key_type, c.fingerprint_sha256, c.fingerprint_sha1, c.is_ca,
	c.has_key, c.created_at, c.revoked_at, COALESCE(c.revocation_reason, 0), COALESCE(c.renewed_from, 0), c.version`

const recordFrom = ` FROM certs c LEFT JOIN cas a ON a.id = c.ca_id`

type scanner interface{ Scan(dest ...any) error }

func scanRecord(s scanner) (Record, error) {
	var r Record
	var emails, dns, ips, kind string
	var notBefore, notAfter, created int64
	var revoked sql.NullInt64
	err := s.Scan(&r.ID, &r.CAID, &r.CAName, &kind, &r.CommonName, &r.Organization,
		&emails, &dns, &ips, &r.Subject, &r.Issuer, &r.IssuerCommonName, &r.Serial,
		&notBefore, &notAfter, &r.KeyType, &r.FingerprintSHA256, &r.FingerprintSHA1, &r.IsCA,
		&r.HasKey, &created, &revoked, &r.RevocationReason, &r.RenewedFrom, &r.Version)
	if err != nil {
		return r, err
	}
	r.Kind = Kind(kind)
	r.Emails, r.DNSNames, r.IPAddresses = splitList(emails), splitList(dns), splitList(ips)
	r.NotBefore, r.NotAfter, r.CreatedAt = time.Unix(notBefore, 0).UTC(), time.Unix(notAfter, 0).UTC(), time.Unix(created, 0).UTC()
	if revoked.Valid {
		r.RevokedAt = time.Unix(revoked.Int64, 0).UTC()
	}
	return r, nil
}

func joinList(s []string) string { return strings.Join(s, "\n") }

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}

// CertificatePEM is a helper for callers that hold a parsed certificate.
func CertificatePEM(cert *x509.Certificate) []byte { return pki.EncodeCertPEM(cert) }
