package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Validity defaults and limits, in days.
const (
	DefaultCADays   = 3650
	DefaultLeafDays = 365
	MaxDays         = 36500
)

// ClockSkew is how far NotBefore is put in the past so that clients whose
// clock runs a little behind still accept a fresh certificate.
const ClockSkew = 5 * time.Minute

// maxCommonName is the upper bound X.509 (RFC 5280, ub-common-name) sets.
const maxCommonName = 64

// Name is the subject a certificate is issued to.
type Name struct {
	CommonName         string
	Organization       string
	OrganizationalUnit string
}

func (n Name) pkix() pkix.Name {
	out := pkix.Name{CommonName: n.CommonName}
	if n.Organization != "" {
		out.Organization = []string{n.Organization}
	}
	if n.OrganizationalUnit != "" {
		out.OrganizationalUnit = []string{n.OrganizationalUnit}
	}
	return out
}

func (n Name) validate() error {
	if err := validateText("common name", n.CommonName, true); err != nil {
		return err
	}
	if err := validateText("organization", n.Organization, false); err != nil {
		return err
	}
	return validateText("organizational unit", n.OrganizationalUnit, false)
}

// validateText refuses names a relying party would show wrongly or reject:
// empty, too long, invalid UTF-8, or holding control or bidi-override characters.
func validateText(what, s string, required bool) error {
	if strings.TrimSpace(s) == "" {
		if required {
			return fmt.Errorf("the %s is empty: give a name", what)
		}
		return nil
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("the %s is not valid UTF-8 text", what)
	}
	if n := utf8.RuneCountInString(s); n > maxCommonName {
		return fmt.Errorf("the %s is %d characters long; X.509 allows at most %d", what, n, maxCommonName)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return fmt.Errorf("the %s %q holds a control character (U+%04X): remove it", what, s, r)
		}
	}
	if s != strings.TrimSpace(s) {
		return fmt.Errorf("the %s %q starts or ends with a space: remove it", what, s)
	}
	return nil
}

// Validity is the lifetime asked for: a number of days from now, or explicit
// bounds (used to make demo and test certificates that are expired or not
// yet valid). Zero values take the defaults.
type Validity struct {
	Days      int
	NotBefore time.Time
	NotAfter  time.Time
}

func (v Validity) bounds(now time.Time, defaultDays int) (time.Time, time.Time, error) {
	if v.Days < 0 || v.Days > MaxDays {
		return time.Time{}, time.Time{}, fmt.Errorf("%d days is out of range: give 1 to %d", v.Days, MaxDays)
	}
	notBefore := v.NotBefore
	if notBefore.IsZero() {
		notBefore = now.Add(-ClockSkew)
	}
	notAfter := v.NotAfter
	if notAfter.IsZero() {
		days := v.Days
		if days == 0 {
			days = defaultDays
		}
		notAfter = now.AddDate(0, 0, days)
	}
	if !notAfter.After(notBefore) {
		return time.Time{}, time.Time{}, fmt.Errorf("the certificate would end (%s) before it starts (%s)", notAfter.Format(time.RFC3339), notBefore.Format(time.RFC3339))
	}
	return notBefore.UTC().Truncate(time.Second), notAfter.UTC().Truncate(time.Second), nil
}

// CheckEmails says why one of the addresses cannot go into a
// certificate, or nil: forms check what was typed with it before issuing.
func CheckEmails(emails []string) error {
	_, err := validateEmails(emails)
	return err
}

func validateEmails(emails []string) ([]string, error) {
	var out []string
	for _, e := range emails {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		addr, err := mail.ParseAddress(e)
		if err != nil || addr.Address != e || addr.Name != "" {
			return nil, fmt.Errorf("%q is not an e-mail address: write it as name@example.com", e)
		}
		if strings.ContainsFunc(e, func(r rune) bool { return r > unicode.MaxASCII }) {
			return nil, fmt.Errorf("%q has non-ASCII characters; certificates carry only ASCII e-mail addresses", e)
		}
		out = append(out, e)
	}
	return out, nil
}

func validateDNSNames(names []string) ([]string, error) {
	var out []string
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "" {
			continue
		}
		if !isDNSName(n) {
			return nil, fmt.Errorf("%q is not a DNS name: use letters, digits, hyphens and dots (a leading \"*.\" is allowed)", n)
		}
		out = append(out, n)
	}
	return out, nil
}

func isDNSName(n string) bool {
	if len(n) > 253 {
		return false
	}
	labels := strings.Split(strings.TrimPrefix(n, "*."), ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// ParseIPs reads IP addresses as typed by a user.
func ParseIPs(ips []string) ([]net.IP, error) {
	var out []net.IP
	for _, s := range ips {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		ip := net.ParseIP(strings.Trim(s, "[]"))
		if ip == nil {
			return nil, fmt.Errorf("%q is not an IP address", s)
		}
		out = append(out, ip)
	}
	return out, nil
}

// leafKeyUsage is the KeyUsage of a leaf: digitalSignature, plus
// keyEncipherment for RSA server keys (TLS 1.2 RSA key exchange). A client
// only signs, and RFC 5280 pairs clientAuth with digitalSignature or
// keyAgreement alone, so person certificates never get keyEncipherment.
func leafKeyUsage(pub any, server bool) x509.KeyUsage {
	ku := x509.KeyUsageDigitalSignature
	if server && IsRSA(pub) {
		ku |= x509.KeyUsageKeyEncipherment
	}
	return ku
}
