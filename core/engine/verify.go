package engine

import (
	"context"

	"certdesk/core/pki"
	"certdesk/core/verdict"
)

// Verify judges a client certificate (PEM or DER, its chain after it) as
// the test server would, against the vault's CAs (only ca when it is not
// the zero value), its revocations and deny-list.
func (e *Engine) Verify(ctx context.Context, data []byte, ca CA) (verdict.Result, error) {
	trust, err := e.Trust(ctx, ca)
	if err != nil {
		return verdict.Result{}, err
	}
	var chain [][]byte
	if certs, err := pki.ParseCertificates(data); err == nil {
		for _, cert := range certs {
			chain = append(chain, cert.Raw)
		}
	} else if pki.IsPEM(data) {
		return verdict.Result{}, err
	} else {
		chain = [][]byte{data} // undecodable DER: judged as malformed
	}
	return verdict.Judge(chain, trust, e.Now()), nil
}
