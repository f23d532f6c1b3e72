package vault

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"certdesk/core/pki"
)

// ErrTrustOnly means a CA was trusted without its key: it can be trusted by
// the test server and verify, but it cannot issue, renew or sign CRLs.
var ErrTrustOnly = errors.New("the vault holds only this CA's certificate, not its key: it is trusted but cannot issue or sign CRLs (import it with its key to do that)")

// TrustOnly reports whether the vault holds the CA's certificate without
// its key.
func (ca CA) TrustOnly() bool { return !ca.Cert.HasKey }

// TrustCA stores a CA's certificate without a key, as a trust anchor for
// the test server and verify, with the chain above it. A self-signed
// client certificate can be trusted this way too, as Python's
// load_verify_locations on the client's own certificate does.
func (v *Vault) TrustCA(ctx context.Context, name string, cert *x509.Certificate, chain []*x509.Certificate) (CA, error) {
	if err := ValidateCAName(name); err != nil {
		return CA{}, err
	}
	var chainPEM strings.Builder
	for _, c := range chain {
		if !c.Equal(cert) {
			chainPEM.Write(pki.EncodeCertPEM(c))
		}
	}
	ca, err := v.storeCA(ctx, name, cert, nil, []byte(chainPEM.String()), "ca.trust")
	if err != nil {
		return CA{}, fmt.Errorf("trusting %q: %w", name, err)
	}
	return ca, nil
}
