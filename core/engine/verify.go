package engine

import (
	"context"
	"time"

	"certdesk/core/verdict"
)

// VerifyRequest is a client certificate to judge: its bytes (PEM or DER,
// its chain after it), more certificates sent along (intermediates), the
// CA to trust (the zero value: every CA of the vault) and the verify depth
// (0: the default, as the deploy kit writes).
type VerifyRequest struct {
	Data      []byte
	Untrusted []byte
	CA        CA
	Depth     int
}

// Verify judges a client certificate as the test server and nginx would,
// against the vault's CAs, its revocations and deny-list.
func (e *Engine) Verify(ctx context.Context, req VerifyRequest) (verdict.Result, error) {
	chain, err := verdict.ParseChain(req.Data)
	if err != nil {
		return verdict.Result{}, err
	}
	if len(req.Untrusted) > 0 {
		more, err := verdict.ParseChain(req.Untrusted)
		if err != nil {
			return verdict.Result{}, err
		}
		chain = append(chain, more...)
	}
	trust, err := e.Trust(ctx, req.CA)
	if err != nil {
		return verdict.Result{}, err
	}
	if req.Depth > 0 {
		trust = trust.WithDepth(req.Depth)
	}
	return verdict.Judge(chain, trust, e.Now()), nil
}

// VerifyFiles judges a client certificate without a vault, as openssl
// verify does: against trusted CA certificates, with intermediates, CRLs
// (every certificate of the chain then needs one, as with nginx's ssl_crl)
// and a verify depth.
func VerifyFiles(f verdict.Files) (verdict.Result, error) {
	return verdict.JudgeFiles(f, time.Now())
}
