package pki

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// maxSPIFFEID is the longest SPIFFE ID the SPIFFE standard allows, in bytes.
const maxSPIFFEID = 2048

// ParseURIs reads URI SANs as typed: each an absolute URI with a scheme;
// a spiffe:// URI must be a valid SPIFFE ID, and a certificate carrying
// one may carry no other URI (an X.509 SVID has exactly one).
func ParseURIs(uris []string) ([]*url.URL, error) {
	var out []*url.URL
	spiffe := false
	for _, s := range uris {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		u, err := parseURI(s)
		if err != nil {
			return nil, err
		}
		spiffe = spiffe || u.Scheme == "spiffe"
		out = append(out, u)
	}
	if spiffe && len(out) > 1 {
		return nil, errors.New("a certificate with a SPIFFE ID carries exactly one URI (the SPIFFE X.509-SVID standard): give only the spiffe:// URI")
	}
	return out, nil
}

func parseURI(s string) (*url.URL, error) {
	if strings.HasPrefix(strings.ToLower(s), "spiffe:") {
		return ParseSPIFFEID(s)
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "" && u.Path == "") {
		return nil, fmt.Errorf("%q is not an absolute URI: write it with a scheme, for example https://app.example.com/ or spiffe://example.org/service", s)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return nil, fmt.Errorf("the URI %q holds spaces, control or non-ASCII characters: percent-encode them", s)
	}
	return u, nil
}

// ParseSPIFFEID checks a SPIFFE ID as the SPIFFE ID standard defines it:
// spiffe://TRUST-DOMAIN/PATH, the trust domain in lowercase letters,
// digits, dots, hyphens and underscores, no port or user, each path
// segment of letters, digits, dots, hyphens and underscores (not "." or
// ".."), no trailing slash, no query or fragment.
func ParseSPIFFEID(s string) (*url.URL, error) {
	bad := func(why string) error {
		return fmt.Errorf("%q is not a valid SPIFFE ID: %s (write it as spiffe://trust-domain/path)", s, why)
	}
	if len(s) > maxSPIFFEID {
		return nil, bad(fmt.Sprintf("it is longer than %d bytes", maxSPIFFEID))
	}
	rest, ok := strings.CutPrefix(s, "spiffe://")
	if !ok {
		return nil, bad(`the scheme must be "spiffe" in lowercase, followed by "://"`)
	}
	td, path, _ := strings.Cut(rest, "/")
	if td == "" {
		return nil, bad("the trust domain is missing")
	}
	for _, r := range td {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return nil, bad(fmt.Sprintf("the trust domain may hold only lowercase letters, digits, '.', '-' and '_', not %q", r))
		}
	}
	if path != "" || strings.HasSuffix(rest, "/") {
		for _, seg := range strings.Split(path, "/") {
			switch seg {
			case "":
				return nil, bad("the path has an empty segment or a trailing slash")
			case ".", "..":
				return nil, bad(`the path may not hold "." or ".." segments`)
			}
			for _, r := range seg {
				if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
					return nil, bad(fmt.Sprintf("a path segment may hold only letters, digits, '.', '-' and '_', not %q", r))
				}
			}
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, bad(err.Error())
	}
	return u, nil
}
