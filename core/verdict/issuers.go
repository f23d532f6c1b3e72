package verdict

import (
	"crypto/x509"
	"fmt"

	"certdesk/core/certinfo"
)

// RequireIssuer returns a copy of the trust that lets in only people whose
// verified chain passes through one of these CAs: what a server configured
// for one issuing CA of a hierarchy checks after the TLS verification (the
// deploy kits compare the client's issuer name; nginx still says SUCCESS
// and answers 403). The root must stay in the trust for the chain to be
// built, so the trust alone would let in the people of sibling CAs.
func (t *Trust) RequireIssuer(cas ...*x509.Certificate) *Trust {
	n := *t
	n.required = append([]*x509.Certificate(nil), cas...)
	return &n
}

// issuerProblem is the finding of a chain that does not pass through a
// required CA, or nil.
func (t *Trust) issuerProblem(chain []*xcert) *finding {
	if len(t.required) == 0 || len(chain) < 2 {
		return nil
	}
	for _, c := range chain[1:] {
		for _, r := range t.required {
			if c.go509.Equal(r) {
				return nil
			}
		}
	}
	return &finding{UnknownCA, fmt.Sprintf("The certificate was issued by %q, which this server does not let in: it accepts only the people of %q.",
		certinfo.Clean(chain[1].commonName()), certinfo.Clean(t.required[0].Subject.CommonName))}
}
