package verdict

import (
	"bytes"
	"crypto/x509"
)

// revokedCA finds a CA on the verified chain (above the leaf) that its own
// issuer revoked, as OpenSSL's CRL check of every level would: each CA by
// the next one up, and the anchor by its issuer when the trust knows it.
func (t *Trust) revokedCA(chain []*x509.Certificate) (*x509.Certificate, Revocation, bool) {
	if len(chain) < 2 {
		return nil, Revocation{}, false
	}
	for i := 1; i+1 < len(chain); i++ {
		if r, ok := t.revokedSerial(chain[i+1], chain[i]); ok {
			return chain[i], r, true
		}
	}
	anchor := chain[len(chain)-1]
	if bytes.Equal(anchor.RawIssuer, anchor.RawSubject) {
		return nil, Revocation{}, false
	}
	for _, p := range t.inter {
		if bytes.Equal(p.RawSubject, anchor.RawIssuer) && anchor.CheckSignatureFrom(p) == nil {
			if r, ok := t.revokedSerial(p, anchor); ok {
				return anchor, r, true
			}
		}
	}
	return nil, Revocation{}, false
}
