package pki

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"net"
	"slices"
	"time"
)

// Issued is a freshly signed certificate and, when Certdesk made the key,
// its private key.
type Issued struct {
	Cert *x509.Certificate
	Key  crypto.Signer // nil for certificates signed from a CSR
}

// Authority is a CA that can sign: its certificate and private key.
type Authority struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// CARequest asks for a new CA: a self-signed root, or an issuing CA
// signed by another (IssueIntermediate).
type CARequest struct {
	Name     Name
	Subject  Subject
	KeyType  KeyType
	Validity Validity
	// PathLen is how many CAs may stand below this one (0, the default:
	// it signs only people and servers); NoPathLimit sets no limit.
	PathLen     int
	NoPathLimit bool
	Constraints Constraints
}

// PersonRequest asks for a person (client) certificate.
type PersonRequest struct {
	Name     Name
	Emails   []string
	KeyType  KeyType
	Validity Validity
	// Subject adds C, ST, L and serialNumber to the subject.
	Subject Subject
	// URIs are URI SANs (a spiffe:// ID is checked as SPIFFE requires);
	// DNSNames and IPAddresses name a device.
	URIs        []string
	DNSNames    []string
	IPAddresses []net.IP
	// Usage is the EKU set: client (the default), server or client+server.
	Usage Usage
}

// ServerRequest asks for a server certificate. CommonName defaults to the
// first DNS name (or IP address).
type ServerRequest struct {
	CommonName   string
	Organization string
	DNSNames     []string
	IPAddresses  []net.IP
	KeyType      KeyType
	Validity     Validity
	// OrganizationalUnit and Subject add to the subject; URIs are URI
	// SANs; Usage is the EKU set (server, the default, or client+server).
	OrganizationalUnit string
	Subject            Subject
	URIs               []string
	Usage              Usage
}

// CSRProfile chooses what a certificate signed from a CSR is for.
type CSRProfile int

// Profiles a CSR can be signed with.
const (
	ClientProfile CSRProfile = iota
	ServerProfile
)

// NewSerial returns a positive random serial of 128 bits.
func NewSerial() (*big.Int, error) {
	limit := new(big.Int).Lsh(big.NewInt(1), 128)
	for {
		n, err := rand.Int(rand.Reader, limit)
		if err != nil {
			return nil, fmt.Errorf("drawing a serial number: %w", err)
		}
		if n.Sign() > 0 {
			return n, nil
		}
	}
}

// SubjectKeyID computes the key identifier of RFC 5280 section 4.2.1.2,
// method 1: the SHA-1 of the subjectPublicKey bit string.
func SubjectKeyID(pub any) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("encoding the public key: %w", err)
	}
	var spki struct {
		Algorithm asn1.RawValue
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &spki); err != nil {
		return nil, fmt.Errorf("reading the public key: %w", err)
	}
	sum := sha1.Sum(spki.PublicKey.Bytes)
	return sum[:], nil
}

// NewCA makes a key and a self-signed CA certificate with the CA profile:
// critical CA:TRUE with the path length asked for (0 by default), KeyUsage
// certSign and cRLSign, SKI, and the name constraints asked for.
func NewCA(req CARequest, now time.Time) (*Issued, error) {
	tmpl, err := caTemplate(req, now)
	if err != nil {
		return nil, err
	}
	key, err := GenerateKey(req.KeyType)
	if err != nil {
		return nil, err
	}
	return sign(tmpl, key.Public(), key, nil, key)
}

// keySource supplies the public key a certificate is issued for, and the
// private key when Certdesk makes it. It is called only once the request
// has been validated, so a bad request never costs an RSA key generation.
type keySource func() (pub any, key crypto.Signer, err error)

func newKey(kt KeyType) keySource {
	return func() (any, crypto.Signer, error) {
		k, err := GenerateKey(kt)
		if err != nil {
			return nil, nil, err
		}
		return k.Public(), k, nil
	}
}

func requesterKey(pub any) keySource {
	return func() (any, crypto.Signer, error) { return pub, nil, nil }
}

// IssuePerson makes a key and a client certificate: CA:FALSE, KeyUsage
// digitalSignature (plus keyEncipherment for RSA), EKU clientAuth only,
// CN = name, e-mail addresses as SANs.
func (a Authority) IssuePerson(req PersonRequest, now time.Time) (*Issued, error) {
	return a.issuePerson(req, newKey(req.KeyType), now)
}

// IssueServer makes a key and a server certificate: EKU serverAuth, the DNS
// names and IP addresses as SANs.
func (a Authority) IssueServer(req ServerRequest, now time.Time) (*Issued, error) {
	return a.issueServer(req, newKey(req.KeyType), now)
}

// IssuePersonWithKey signs a person certificate for a key that already
// exists, as when a certificate is renewed without a new key. key may be
// nil when only the public key is known (a certificate signed from a CSR).
func (a Authority) IssuePersonWithKey(req PersonRequest, pub any, key crypto.Signer, now time.Time) (*Issued, error) {
	return a.issuePerson(req, existingKey(pub, key), now)
}

// IssueServerWithKey is IssuePersonWithKey for a server certificate.
func (a Authority) IssueServerWithKey(req ServerRequest, pub any, key crypto.Signer, now time.Time) (*Issued, error) {
	return a.issueServer(req, existingKey(pub, key), now)
}

func existingKey(pub any, key crypto.Signer) keySource {
	return func() (any, crypto.Signer, error) { return pub, key, nil }
}

// SignCSR checks a CSR's signature and signs its public key with our own
// profile. Only the subject's CN, O and OU and the SANs that fit the profile
// (e-mail for clients, DNS and IP for servers) are taken from the request;
// its requested extensions are never copied, so a CSR asking for CA:TRUE
// still gets a leaf.
func (a Authority) SignCSR(csr *x509.CertificateRequest, profile CSRProfile, validity Validity, now time.Time) (*Issued, error) {
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("the CSR's signature does not verify (the file was altered or is not a CSR made with its own key): %w", err)
	}
	name := Name{CommonName: csr.Subject.CommonName}
	if len(csr.Subject.Organization) > 0 {
		name.Organization = csr.Subject.Organization[0]
	}
	if len(csr.Subject.OrganizationalUnit) > 0 {
		name.OrganizationalUnit = csr.Subject.OrganizationalUnit[0]
	}
	var issued *Issued
	var err error
	if profile == ServerProfile {
		issued, err = a.issueServer(ServerRequest{CommonName: name.CommonName, Organization: name.Organization,
			DNSNames: csr.DNSNames, IPAddresses: append([]net.IP(nil), csr.IPAddresses...), Validity: validity}, requesterKey(csr.PublicKey), now)
	} else {
		issued, err = a.issuePerson(PersonRequest{Name: name, Emails: csr.EmailAddresses, Validity: validity}, requesterKey(csr.PublicKey), now)
	}
	if err != nil {
		return nil, fmt.Errorf("the CSR: %w", err)
	}
	return issued, nil
}

func (a Authority) issuePerson(req PersonRequest, keys keySource, now time.Time) (*Issued, error) {
	subject, err := subjectOf(req.Name, req.Subject)
	if err != nil {
		return nil, err
	}
	emails, err := validateEmails(req.Emails)
	if err != nil {
		return nil, err
	}
	dns, err := validateDNSNames(req.DNSNames)
	if err != nil {
		return nil, err
	}
	uris, err := ParseURIs(req.URIs)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{Subject: subject, EmailAddresses: emails, DNSNames: dns, IPAddresses: req.IPAddresses, URIs: uris, ExtKeyUsage: req.Usage.ekus(ClientUsage)}
	return a.issueLeaf(tmpl, req.Validity, keys, now)
}

func (a Authority) issueServer(req ServerRequest, keys keySource, now time.Time) (*Issued, error) {
	dns, err := validateDNSNames(req.DNSNames)
	if err != nil {
		return nil, err
	}
	if len(dns) == 0 && len(req.IPAddresses) == 0 {
		return nil, errors.New("a server certificate needs at least one DNS name or IP address")
	}
	name := Name{CommonName: req.CommonName, Organization: req.Organization, OrganizationalUnit: req.OrganizationalUnit}
	if name.CommonName == "" {
		if len(dns) > 0 {
			name.CommonName = dns[0]
		} else {
			name.CommonName = req.IPAddresses[0].String()
		}
	}
	subject, err := subjectOf(name, req.Subject)
	if err != nil {
		return nil, err
	}
	uris, err := ParseURIs(req.URIs)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{Subject: subject, DNSNames: dns, IPAddresses: req.IPAddresses, URIs: uris, ExtKeyUsage: req.Usage.ekus(ServerUsage)}
	return a.issueLeaf(tmpl, req.Validity, keys, now)
}

// issueLeaf completes a leaf template (validity, CA:FALSE, key usage for
// the key type), takes the key, and signs.
func (a Authority) issueLeaf(tmpl *x509.Certificate, validity Validity, keys keySource, now time.Time) (*Issued, error) {
	var err error
	if tmpl.NotBefore, tmpl.NotAfter, err = validity.bounds(now, DefaultLeafDays); err != nil {
		return nil, err
	}
	pub, key, err := keys()
	if err != nil {
		return nil, err
	}
	tmpl.BasicConstraintsValid = true
	tmpl.KeyUsage = leafKeyUsage(pub, slices.Contains(tmpl.ExtKeyUsage, x509.ExtKeyUsageServerAuth))
	return a.sign(tmpl, pub, key)
}

// CheckCanIssue reports why the authority cannot sign certificates, if it cannot.
func (a Authority) CheckCanIssue() error {
	if a.Cert == nil || a.Key == nil {
		return errors.New("the CA has no private key in the vault, so it cannot sign")
	}
	if !a.Cert.IsCA {
		return fmt.Errorf("%q is not a CA certificate (CA:TRUE is missing)", a.Cert.Subject.CommonName)
	}
	if a.Cert.KeyUsage != 0 && a.Cert.KeyUsage&x509.KeyUsageCertSign == 0 {
		return fmt.Errorf("the CA %q lacks the keyCertSign key usage, so what it signs would be refused", a.Cert.Subject.CommonName)
	}
	return KeyMatchesCertificate(a.Key, a.Cert)
}

func (a Authority) sign(tmpl *x509.Certificate, pub any, key crypto.Signer) (*Issued, error) {
	if err := a.CheckCanIssue(); err != nil {
		return nil, err
	}
	if tmpl.NotAfter.After(a.Cert.NotAfter) {
		return nil, fmt.Errorf("the certificate would outlive its CA, which expires on %s: ask for fewer days", a.Cert.NotAfter.UTC().Format("2006-01-02"))
	}
	return sign(tmpl, pub, key, a.Cert, a.Key)
}

// sign fills serial and SKI, signs, and parses the result back. A nil
// parent means self-signed.
func sign(tmpl *x509.Certificate, pub any, key crypto.Signer, parent *x509.Certificate, signer crypto.Signer) (*Issued, error) {
	serial, err := NewSerial()
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	if tmpl.SubjectKeyId, err = SubjectKeyID(pub); err != nil {
		return nil, err
	}
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("signing the certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("reading back the signed certificate: %w", err)
	}
	return &Issued{Cert: cert, Key: key}, nil
}

// KeyMatchesCertificate reports an error when the private key is not the
// one whose public half the certificate holds.
func KeyMatchesCertificate(key crypto.Signer, cert *x509.Certificate) error {
	want, err := x509.MarshalPKIXPublicKey(cert.PublicKey)
	if err != nil {
		return fmt.Errorf("reading the certificate's public key: %w", err)
	}
	got, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return fmt.Errorf("reading the private key's public half: %w", err)
	}
	if !bytes.Equal(want, got) {
		return fmt.Errorf("the private key does not belong to the certificate %q (their public keys differ)", cert.Subject.CommonName)
	}
	return nil
}
