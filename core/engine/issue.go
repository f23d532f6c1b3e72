package engine

import (
	"context"
	"fmt"

	"certdesk/core/pki"
)

// IssuePerson issues a person's (client) certificate from the CA and
// stores it with its sealed key. The vault must be unlocked.
func (e *Engine) IssuePerson(ctx context.Context, ca CA, req pki.PersonRequest) (Record, error) {
	return e.store.IssuePerson(ctx, ca, req)
}

// IssueServer issues a server certificate from the CA and stores it.
func (e *Engine) IssueServer(ctx context.Context, ca CA, req pki.ServerRequest) (Record, error) {
	return e.store.IssueServer(ctx, ca, req)
}

// SignRequest signs a certificate request (PEM or DER) with the CA as a
// client or server certificate and stores it; the requester keeps the key.
func (e *Engine) SignRequest(ctx context.Context, ca CA, request []byte, profile pki.CSRProfile, validity pki.Validity) (Record, error) {
	csr, err := pki.ParseCSR(request)
	if err != nil {
		return Record{}, err
	}
	return e.store.SignCSR(ctx, ca, csr, profile, validity)
}

// Renew issues a new certificate for the same person or server.
func (e *Engine) Renew(ctx context.Context, id int64, opts RenewOptions) (Record, error) {
	return e.store.Renew(ctx, id, opts)
}

// RenewMany renews each certificate in turn, reporting progress, and stops
// at the first failure or when ctx ends; it returns what was renewed.
func (e *Engine) RenewMany(ctx context.Context, ids []int64, opts RenewOptions, progress func(done, total int)) ([]Record, error) {
	var out []Record
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		rec, err := e.store.Renew(ctx, id, opts)
		if err != nil {
			return out, fmt.Errorf("certificate %d: %w", id, err)
		}
		out = append(out, rec)
		if progress != nil {
			progress(i+1, len(ids))
		}
	}
	return out, nil
}
