package engine

import (
	"context"
	"crypto"
	"crypto/x509"
)

// held is a vault certificate with its private key and the issuers above
// it: what a server or a client presents.
type held struct {
	cert  *x509.Certificate
	key   crypto.Signer
	chain []*x509.Certificate
}

// holding reads certificate id with its key and chain. The vault must be
// unlocked.
func (e *Engine) holding(ctx context.Context, id int64) (held, error) {
	var h held
	var err error
	if h.cert, err = e.store.Certificate(ctx, id); err != nil {
		return h, err
	}
	if h.key, err = e.store.PrivateKey(ctx, id); err != nil {
		return h, err
	}
	h.chain, err = e.store.Chain(ctx, id)
	return h, err
}
