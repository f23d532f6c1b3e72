package certinfo

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"certdesk/core/pki"
)

// Info is a certificate described for people and programs. Its JSON field
// names are the ones design.md fixes for inspect, show, list, verify, server
// events and /api/whoami.
type Info struct {
	ID                int64     `json:"id,omitempty"`
	Kind              string    `json:"kind,omitempty"`
	CA                string    `json:"ca,omitempty"`
	CommonName        string    `json:"common_name"`
	Subject           string    `json:"subject"`
	Issuer            string    `json:"issuer"`
	IssuerCommonName  string    `json:"issuer_common_name"`
	Serial            string    `json:"serial"`
	SerialDecimal     string    `json:"serial_decimal,omitempty"`
	NotBefore         time.Time `json:"not_before"`
	NotAfter          time.Time `json:"not_after"`
	Status            Status    `json:"status"`
	DaysLeft          int       `json:"days_left"`
	FingerprintSHA256 string    `json:"fingerprint_sha256"`
	FingerprintSHA1   string    `json:"fingerprint_sha1"`
	KeyType           string    `json:"key_type"`
	PublicKeySHA256   string    `json:"public_key_sha256,omitempty"`
	Emails            []string  `json:"emails"`
	DNSNames          []string  `json:"dns_names"`
	IPAddresses       []string  `json:"ip_addresses"`
	URIs              []string  `json:"uris,omitempty"`
	IsCA              bool      `json:"is_ca"`
	// PathLen is how many CA levels a CA allows below it (nil: no limit or
	// not a CA); NameConstraints are its name constraints ("permit dns:…").
	PathLen         *int        `json:"path_len,omitempty"`
	NameConstraints []string    `json:"name_constraints,omitempty"`
	KeyUsage        []string    `json:"key_usage,omitempty"`
	ExtKeyUsage     []string    `json:"ext_key_usage,omitempty"`
	SignatureAlgo   string      `json:"signature_algorithm,omitempty"`
	SelfSigned      bool        `json:"self_signed,omitempty"`
	HasKey          bool        `json:"has_key,omitempty"`
	Revocation      *Revocation `json:"revocation,omitempty"`
	CRL             *CRLState   `json:"crl,omitempty"`
	// Version is a vault record's version: an edit that names it is
	// refused when the record changed since (certctl revoke --if-version).
	Version int64 `json:"version,omitempty"`
}

// CRLState is where a CA's published CRL stands.
type CRLState struct {
	Number     int64     `json:"number"`
	NextUpdate time.Time `json:"next_update"`
	// State is "none" (never published), "valid", "expiring" (within 7
	// days) or "expired" (servers using it now refuse every client).
	State string `json:"state"`
}

// CRLWarningWindow is how close to its next update a CRL is flagged.
const CRLWarningWindow = 7 * 24 * time.Hour

// NewCRLState describes a CA's last CRL at time now.
func NewCRLState(number int64, nextUpdate, now time.Time) *CRLState {
	s := &CRLState{Number: number, NextUpdate: nextUpdate, State: "valid"}
	switch {
	case number == 0 || nextUpdate.IsZero():
		s.State = "none"
	case now.After(nextUpdate):
		s.State = "expired"
	case nextUpdate.Sub(now) <= CRLWarningWindow:
		s.State = "expiring"
	}
	return s
}

// Revocation says when and why a certificate was revoked.
type Revocation struct {
	Reason string    `json:"reason"`
	Time   time.Time `json:"time"`
	By     string    `json:"by,omitempty"`
}

// Describe builds the Info of a certificate at time now. It never fails:
// whatever the certificate holds is shown, with control characters made
// visible.
func Describe(cert *x509.Certificate, now time.Time) Info {
	info := describe(cert)
	info.setTime(now)
	return info
}

// At is the info as of time now: its status and days left told again,
// and lists of its own, so that it shares nothing with i. A certificate
// described once can so be told at every handshake without describing
// it again.
func (i Info) At(now time.Time) Info {
	for _, list := range []*[]string{&i.Emails, &i.DNSNames, &i.IPAddresses, &i.URIs, &i.NameConstraints, &i.KeyUsage, &i.ExtKeyUsage} {
		if *list != nil {
			*list = slices.Clone(*list)
		}
	}
	if i.PathLen != nil {
		n := *i.PathLen
		i.PathLen = &n
	}
	i.setTime(now)
	return i
}

func (i *Info) setTime(now time.Time) {
	i.Status = StatusAt(i.NotBefore, i.NotAfter, false, now)
	i.DaysLeft = DaysLeft(i.NotAfter, now)
}

// describe is Describe but for the status and days left.
func describe(cert *x509.Certificate) Info {
	info := Info{
		Kind:              "certificate",
		CommonName:        Clean(cert.Subject.CommonName),
		Subject:           DistinguishedName(cert.Subject),
		Issuer:            DistinguishedName(cert.Issuer),
		IssuerCommonName:  Clean(cert.Issuer.CommonName),
		Serial:            pki.SerialHex(cert.SerialNumber),
		NotBefore:         cert.NotBefore.UTC(),
		NotAfter:          cert.NotAfter.UTC(),
		FingerprintSHA256: pki.FingerprintSHA256(cert.Raw),
		FingerprintSHA1:   pki.FingerprintSHA1(cert.Raw),
		KeyType:           pki.DescribePublicKey(cert.PublicKey),
		PublicKeySHA256:   pki.CertificateKeySHA256(cert),
		Emails:            cleanAll(cert.EmailAddresses),
		DNSNames:          cleanAll(cert.DNSNames),
		IPAddresses:       []string{},
		IsCA:              cert.BasicConstraintsValid && cert.IsCA,
		KeyUsage:          KeyUsageNames(cert.KeyUsage),
		ExtKeyUsage:       ExtKeyUsageNames(cert),
		SignatureAlgo:     cert.SignatureAlgorithm.String(),
		SelfSigned:        bytes.Equal(cert.RawSubject, cert.RawIssuer) && cert.CheckSignatureFrom(cert) == nil,
	}
	if cert.SerialNumber != nil {
		info.SerialDecimal = cert.SerialNumber.String()
	}
	for _, ip := range cert.IPAddresses {
		info.IPAddresses = append(info.IPAddresses, ip.String())
	}
	for _, u := range cert.URIs {
		info.URIs = append(info.URIs, Clean(u.String()))
	}
	if info.IsCA && (cert.MaxPathLen > 0 || cert.MaxPathLenZero) {
		n := cert.MaxPathLen
		info.PathLen = &n
	}
	info.NameConstraints = cleanAll(pki.ConstraintsOf(cert).Strings())
	return info
}

// DistinguishedName prints a name the way OpenSSL's one-line form does
// (CN=…, O=…), most specific first, with control characters made visible.
func DistinguishedName(n pkix.Name) string {
	return Clean(n.String())
}

// Clean makes text safe to show: control characters, bidi overrides and
// invalid UTF-8 become visible escapes (\x07, \u202E), so a name cannot
// rewrite a terminal line or reorder what a person reads.
func Clean(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, unsafeRune) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, "\\x%02X", s[i])
		case unsafeRune(r) && r < 0x100:
			fmt.Fprintf(&b, "\\x%02X", r)
		case unsafeRune(r):
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
		i += max(size, 1)
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029'
}

func cleanAll(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, Clean(s))
	}
	return out
}
