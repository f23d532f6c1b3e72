package pki

import (
	"crypto/x509/pkix"
	"fmt"
	"strings"
)

// Subject is the fuller subject a certificate may carry beyond Name: the
// country (two letters, ISO 3166), state or province, locality and the
// subject's serialNumber attribute (a device or employee number, not the
// certificate's serial).
type Subject struct {
	Country      string
	State        string
	Locality     string
	SerialNumber string
}

// apply adds the fields that are set to a pkix.Name.
func (s Subject) apply(n *pkix.Name) {
	if s.Country != "" {
		n.Country = []string{s.Country}
	}
	if s.State != "" {
		n.Province = []string{s.State}
	}
	if s.Locality != "" {
		n.Locality = []string{s.Locality}
	}
	n.SerialNumber = s.SerialNumber
}

func (s Subject) validate() error {
	if s.Country != "" {
		if len(s.Country) != 2 || strings.ToUpper(s.Country) != s.Country || !isASCIILetters(s.Country) {
			return fmt.Errorf("the country %q is not a two-letter code in capitals (ISO 3166, for example DE or US)", s.Country)
		}
	}
	for _, f := range []struct{ what, v string }{{"state", s.State}, {"locality", s.Locality}, {"subject serial number", s.SerialNumber}} {
		if err := validateText(f.what, f.v, false); err != nil {
			return err
		}
	}
	return nil
}

func isASCIILetters(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return false
		}
	}
	return true
}

// subjectOf is the whole subject of a name and its extra fields, checked.
func subjectOf(n Name, s Subject) (pkix.Name, error) {
	if err := n.validate(); err != nil {
		return pkix.Name{}, err
	}
	if err := s.validate(); err != nil {
		return pkix.Name{}, err
	}
	out := n.pkix()
	s.apply(&out)
	return out, nil
}

// SubjectOf reads the extra subject fields of a parsed name (the first of
// each), as a CSR or certificate carries them.
func SubjectOf(n pkix.Name) Subject {
	return Subject{Country: firstOf(n.Country), State: firstOf(n.Province), Locality: firstOf(n.Locality), SerialNumber: n.SerialNumber}
}

// NameOf reads CN, O and OU (the first of each) of a parsed name.
func NameOf(n pkix.Name) Name {
	return Name{CommonName: n.CommonName, Organization: firstOf(n.Organization), OrganizationalUnit: firstOf(n.OrganizationalUnit)}
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
