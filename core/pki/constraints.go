package pki

import (
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Constraints are the name constraints (RFC 5280 section 4.2.1.10) put on a
// CA Certdesk creates: the names the certificates under it may (permitted)
// or may not (excluded) carry. DNS and URI constraints are host names
// ("example.com" covers it and its subdomains, ".example.com" only the
// subdomains); e-mail constraints are a mailbox, a host or ".domain"; IP
// constraints are CIDR ranges.
type Constraints struct {
	PermittedDNS, ExcludedDNS     []string
	PermittedEmail, ExcludedEmail []string
	PermittedIP, ExcludedIP       []*net.IPNet
	PermittedURI, ExcludedURI     []string
}

// Empty reports whether no constraint is set.
func (c Constraints) Empty() bool {
	return len(c.PermittedDNS)+len(c.ExcludedDNS)+len(c.PermittedEmail)+len(c.ExcludedEmail)+
		len(c.PermittedIP)+len(c.ExcludedIP)+len(c.PermittedURI)+len(c.ExcludedURI) == 0
}

// Add reads one constraint written KIND:VALUE, KIND one of dns, email, ip
// (a CIDR range) or uri (a host), and adds it to the permitted or excluded
// names.
func (c *Constraints) Add(permit bool, spec string) error {
	kind, value, ok := strings.Cut(strings.TrimSpace(spec), ":")
	value = strings.TrimSpace(value)
	if !ok || value == "" {
		return fmt.Errorf("the name constraint %q is not KIND:VALUE (for example dns:example.com, email:example.com, ip:10.0.0.0/8, uri:example.com)", spec)
	}
	pick := func(p, e *[]string) *[]string {
		if permit {
			return p
		}
		return e
	}
	switch strings.ToLower(kind) {
	case "dns", "uri":
		v := strings.ToLower(value)
		if !isDNSName(strings.TrimPrefix(v, ".")) || strings.HasPrefix(v, "*") {
			return fmt.Errorf("the %s constraint %q is not a host name: write example.com (it and its subdomains) or .example.com (subdomains only)", kind, value)
		}
		if strings.ToLower(kind) == "dns" {
			*pick(&c.PermittedDNS, &c.ExcludedDNS) = append(*pick(&c.PermittedDNS, &c.ExcludedDNS), v)
		} else {
			*pick(&c.PermittedURI, &c.ExcludedURI) = append(*pick(&c.PermittedURI, &c.ExcludedURI), v)
		}
	case "email":
		v := strings.ToLower(value)
		host := v
		if at := strings.LastIndex(v, "@"); at >= 0 {
			if _, err := validateEmails([]string{value}); err != nil {
				return fmt.Errorf("the email constraint %q: %w", value, err)
			}
			host = v[at+1:]
		}
		if !isDNSName(strings.TrimPrefix(host, ".")) {
			return fmt.Errorf("the email constraint %q is not a mailbox, a host or .domain (for example alice@example.com, example.com or .example.com)", value)
		}
		*pick(&c.PermittedEmail, &c.ExcludedEmail) = append(*pick(&c.PermittedEmail, &c.ExcludedEmail), v)
	case "ip":
		_, n, err := net.ParseCIDR(value)
		if err != nil {
			return fmt.Errorf("the ip constraint %q is not a CIDR range: write it as 10.0.0.0/8 or fd00::/8", value)
		}
		if permit {
			c.PermittedIP = append(c.PermittedIP, n)
		} else {
			c.ExcludedIP = append(c.ExcludedIP, n)
		}
	default:
		return fmt.Errorf("the name constraint kind %q is unknown: use dns, email, ip or uri", kind)
	}
	return nil
}

// apply puts the constraints on a CA template, as a critical extension.
func (c Constraints) apply(t *x509.Certificate) {
	if c.Empty() {
		return
	}
	t.PermittedDNSDomainsCritical = true
	t.PermittedDNSDomains, t.ExcludedDNSDomains = c.PermittedDNS, c.ExcludedDNS
	t.PermittedEmailAddresses, t.ExcludedEmailAddresses = c.PermittedEmail, c.ExcludedEmail
	t.PermittedIPRanges, t.ExcludedIPRanges = c.PermittedIP, c.ExcludedIP
	t.PermittedURIDomains, t.ExcludedURIDomains = c.PermittedURI, c.ExcludedURI
}

// ConstraintsOf reads the name constraints of a CA certificate.
func ConstraintsOf(ca *x509.Certificate) Constraints {
	return Constraints{
		PermittedDNS: ca.PermittedDNSDomains, ExcludedDNS: ca.ExcludedDNSDomains,
		PermittedEmail: ca.PermittedEmailAddresses, ExcludedEmail: ca.ExcludedEmailAddresses,
		PermittedIP: ca.PermittedIPRanges, ExcludedIP: ca.ExcludedIPRanges,
		PermittedURI: ca.PermittedURIDomains, ExcludedURI: ca.ExcludedURIDomains,
	}
}

// Names are the names a certificate is about to carry.
type Names struct {
	DNS    []string
	Emails []string
	IPs    []net.IP
	URIs   []*url.URL
}

// NamesOf reads the SANs of a certificate.
func NamesOf(c *x509.Certificate) Names {
	return Names{DNS: c.DNSNames, Emails: c.EmailAddresses, IPs: c.IPAddresses, URIs: c.URIs}
}

// ErrNameConstraint is the error CheckConstraints wraps.
var ErrNameConstraint = fmt.Errorf("outside the CA's name constraints")

// CheckConstraints says which name breaks the name constraints of a CA on
// the chain (issuing CA first), or nil when every name fits them all.
func CheckConstraints(cas []*x509.Certificate, n Names) error {
	for _, ca := range cas {
		c := ConstraintsOf(ca)
		if c.Empty() {
			continue
		}
		who := ca.Subject.CommonName
		for _, d := range n.DNS {
			if err := check("DNS name", d, c.PermittedDNS, c.ExcludedDNS, hostMatches, who); err != nil {
				return err
			}
		}
		for _, e := range n.Emails {
			if err := check("e-mail address", e, c.PermittedEmail, c.ExcludedEmail, emailMatches, who); err != nil {
				return err
			}
		}
		for _, ip := range n.IPs {
			if err := checkIP(ip, c.PermittedIP, c.ExcludedIP, who); err != nil {
				return err
			}
		}
		for _, u := range n.URIs {
			host := u.Hostname()
			if host == "" || net.ParseIP(host) != nil {
				if len(c.PermittedURI)+len(c.ExcludedURI) > 0 {
					return fmt.Errorf("the URI %q has no host name, and the CA %q constrains URIs by host: %w", u, who, ErrNameConstraint)
				}
				continue
			}
			if err := check("URI", u.String(), c.PermittedURI, c.ExcludedURI, func(_ string, cons string) bool { return hostMatches(host, cons) }, who); err != nil {
				return err
			}
		}
	}
	return nil
}

func check(what, name string, permitted, excluded []string, match func(name, cons string) bool, who string) error {
	for _, e := range excluded {
		if match(name, e) {
			return fmt.Errorf("the %s %q is excluded by the CA %q (it may not issue for %s): %w", what, name, who, e, ErrNameConstraint)
		}
	}
	if len(permitted) == 0 {
		return nil
	}
	for _, p := range permitted {
		if match(name, p) {
			return nil
		}
	}
	return fmt.Errorf("the %s %q is not among the names the CA %q may issue for (%s): %w", what, name, who, strings.Join(permitted, ", "), ErrNameConstraint)
}

func checkIP(ip net.IP, permitted, excluded []*net.IPNet, who string) error {
	for _, e := range excluded {
		if e.Contains(ip) {
			return fmt.Errorf("the IP address %s is excluded by the CA %q (it may not issue for %s): %w", ip, who, e, ErrNameConstraint)
		}
	}
	if len(permitted) == 0 {
		return nil
	}
	var ranges []string
	for _, p := range permitted {
		if p.Contains(ip) {
			return nil
		}
		ranges = append(ranges, p.String())
	}
	return fmt.Errorf("the IP address %s is not in the ranges the CA %q may issue for (%s): %w", ip, who, strings.Join(ranges, ", "), ErrNameConstraint)
}

// hostMatches applies RFC 5280's DNS rule: "example.com" covers it and its
// subdomains, ".example.com" only subdomains.
func hostMatches(host, cons string) bool {
	host, cons = strings.ToLower(strings.TrimSuffix(host, ".")), strings.ToLower(cons)
	if strings.HasPrefix(cons, ".") {
		return strings.HasSuffix(host, cons)
	}
	return host == cons || strings.HasSuffix(host, "."+cons)
}

// emailMatches applies RFC 5280's e-mail rule: a mailbox matches itself, a
// host every mailbox at that host, ".domain" every mailbox at a subdomain.
func emailMatches(email, cons string) bool {
	email, cons = strings.ToLower(email), strings.ToLower(cons)
	if strings.Contains(cons, "@") {
		return email == cons
	}
	at := strings.LastIndex(email, "@")
	if at < 0 {
		return false
	}
	host := email[at+1:]
	if strings.HasPrefix(cons, ".") {
		return strings.HasSuffix(host, cons)
	}
	return host == cons
}

// Strings lists the constraints as a user writes them, "permit dns:example.com".
func (c Constraints) Strings() []string {
	var out []string
	add := func(verb, kind string, vals []string) {
		for _, v := range vals {
			out = append(out, verb+" "+kind+":"+v)
		}
	}
	ips := func(ns []*net.IPNet) []string {
		var s []string
		for _, n := range ns {
			s = append(s, n.String())
		}
		return s
	}
	add("permit", "dns", c.PermittedDNS)
	add("permit", "email", c.PermittedEmail)
	add("permit", "ip", ips(c.PermittedIP))
	add("permit", "uri", c.PermittedURI)
	add("exclude", "dns", c.ExcludedDNS)
	add("exclude", "email", c.ExcludedEmail)
	add("exclude", "ip", ips(c.ExcludedIP))
	add("exclude", "uri", c.ExcludedURI)
	return out
}

// PersonNames are the SANs a person request asks for, checked as issuing
// would check them.
func PersonNames(r PersonRequest) (Names, error) {
	return requestNames(r.Emails, r.DNSNames, r.IPAddresses, r.URIs)
}

// ServerNames are the SANs a server request asks for.
func ServerNames(r ServerRequest) (Names, error) {
	return requestNames(nil, r.DNSNames, r.IPAddresses, r.URIs)
}

func requestNames(emails, dns []string, ips []net.IP, uris []string) (Names, error) {
	var n Names
	var err error
	if n.Emails, err = validateEmails(emails); err != nil {
		return n, err
	}
	if n.DNS, err = validateDNSNames(dns); err != nil {
		return n, err
	}
	if n.URIs, err = ParseURIs(uris); err != nil {
		return n, err
	}
	n.IPs = ips
	return n, nil
}
