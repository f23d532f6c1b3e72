package vault

import (
	"context"
	"crypto/tls"
)

// TLSCertificate loads a certificate with its key and intermediates, ready
// for a TLS server or client. The vault must be unlocked.
func (v *Vault) TLSCertificate(ctx context.Context, id int64) (*tls.Certificate, error) {
	cert, err := v.Certificate(ctx, id)
	if err != nil {
		return nil, err
	}
	key, err := v.PrivateKey(ctx, id)
	if err != nil {
		return nil, err
	}
	chain, err := v.Chain(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}
	for _, c := range chain {
		if c.Subject.String() != c.Issuer.String() { // intermediates are sent, roots are not
			out.Certificate = append(out.Certificate, c.Raw)
		}
	}
	return out, nil
}
