package pki

import (
	"fmt"
	"slices"
	"strings"
)

// SAN kinds an issuance profile may allow.
const (
	SANEmail = "email"
	SANDNS   = "dns"
	SANIP    = "ip"
	SANURI   = "uri"
)

// SANKinds lists them.
var SANKinds = []string{SANEmail, SANDNS, SANIP, SANURI}

// Profile is a named set of issuance defaults: the key type, the lifetime,
// subject fields filled in when a request leaves them empty, the kinds of
// SAN a certificate may carry, and the EKU set. Zero fields leave
// Certdesk's defaults.
type Profile struct {
	Name     string   `json:"name"`
	KeyType  KeyType  `json:"key_type,omitempty"`
	Days     int      `json:"days,omitempty"`
	Org      string   `json:"organization,omitempty"`
	OrgUnit  string   `json:"organizational_unit,omitempty"`
	Subject  Subject  `json:"subject"`
	SANKinds []string `json:"san_kinds,omitempty"` // empty: any
	Usage    Usage    `json:"usage,omitempty"`
}

// Validate checks a profile before it is stored.
func (p Profile) Validate() error {
	if err := validateText("profile name", p.Name, true); err != nil {
		return err
	}
	if p.KeyType != "" {
		if _, err := ParseKeyType(string(p.KeyType)); err != nil {
			return err
		}
	}
	if p.Days < 0 || p.Days > MaxDays {
		return fmt.Errorf("%d days is out of range: give 1 to %d", p.Days, MaxDays)
	}
	if err := (Name{CommonName: "x", Organization: p.Org, OrganizationalUnit: p.OrgUnit}).validate(); err != nil {
		return err
	}
	if err := p.Subject.validate(); err != nil {
		return err
	}
	for _, k := range p.SANKinds {
		if !slices.Contains(SANKinds, k) {
			return fmt.Errorf("%q is not a SAN kind: use %s", k, strings.Join(SANKinds, ", "))
		}
	}
	if p.Usage != "" && !slices.Contains(Usages, p.Usage) {
		return fmt.Errorf("%q is not a usage: choose client, server or client+server", p.Usage)
	}
	return nil
}

// ApplyPerson fills a person request's empty fields from the profile and
// refuses SANs the profile does not allow.
func (p Profile) ApplyPerson(r PersonRequest) (PersonRequest, error) {
	if r.KeyType == "" {
		r.KeyType = p.KeyType
	}
	if r.Validity.Days == 0 && r.Validity.NotAfter.IsZero() {
		r.Validity.Days = p.Days
	}
	if r.Name.Organization == "" {
		r.Name.Organization = p.Org
	}
	if r.Name.OrganizationalUnit == "" {
		r.Name.OrganizationalUnit = p.OrgUnit
	}
	r.Subject = p.fillSubject(r.Subject)
	if r.Usage == "" {
		if p.Usage == ServerUsage {
			return r, fmt.Errorf("the profile %q makes server certificates (EKU serverAuth only): issue with --server, or choose another profile", p.Name)
		}
		r.Usage = p.Usage
	}
	return r, p.allowSANs(map[string]int{SANEmail: len(r.Emails), SANDNS: len(r.DNSNames), SANIP: len(r.IPAddresses), SANURI: len(r.URIs)})
}

// ApplyServer is ApplyPerson for a server request.
func (p Profile) ApplyServer(r ServerRequest) (ServerRequest, error) {
	if r.KeyType == "" {
		r.KeyType = p.KeyType
	}
	if r.Validity.Days == 0 && r.Validity.NotAfter.IsZero() {
		r.Validity.Days = p.Days
	}
	if r.Organization == "" {
		r.Organization = p.Org
	}
	if r.OrganizationalUnit == "" {
		r.OrganizationalUnit = p.OrgUnit
	}
	r.Subject = p.fillSubject(r.Subject)
	if r.Usage == "" && p.Usage != ClientUsage {
		r.Usage = p.Usage
	}
	return r, p.allowSANs(map[string]int{SANDNS: len(r.DNSNames), SANIP: len(r.IPAddresses), SANURI: len(r.URIs)})
}

func (p Profile) fillSubject(s Subject) Subject {
	if s.Country == "" {
		s.Country = p.Subject.Country
	}
	if s.State == "" {
		s.State = p.Subject.State
	}
	if s.Locality == "" {
		s.Locality = p.Subject.Locality
	}
	return s
}

func (p Profile) allowSANs(counts map[string]int) error {
	if len(p.SANKinds) == 0 {
		return nil
	}
	for _, k := range SANKinds {
		if counts[k] > 0 && !slices.Contains(p.SANKinds, k) {
			return fmt.Errorf("the profile %q allows only %s names, not %s", p.Name, strings.Join(p.SANKinds, ", "), k)
		}
	}
	return nil
}
