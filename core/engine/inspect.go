package engine

import (
	"context"

	"certdesk/core/input"
	"certdesk/core/inspect"
	"certdesk/core/pki"
	"certdesk/core/verdict"
)

// Inspection is what a file holds and, for a client certificate, what the
// vault's CAs make of it.
type Inspection struct {
	Data   []byte
	Items  []inspect.Item
	Judged *verdict.Result // nil unless the file holds a client certificate
}

// InspectFile reads and explains a file (data, when not nil, is the file
// already read): certificates, keys, requests, CRLs, PKCS#12 (password
// opens it). With a vault, a client certificate is judged against it.
func (e *Engine) InspectFile(ctx context.Context, path string, data, password []byte) (Inspection, error) {
	if data == nil {
		var err error
		if data, err = input.ReadFile(path); err != nil {
			return Inspection{}, err
		}
	}
	items, err := inspect.Inspect(data, inspect.Options{Password: password})
	out := Inspection{Data: data, Items: items}
	if err == nil && e != nil {
		out.Judged = e.judgeClient(ctx, data)
	}
	return out, err
}

// judgeClient judges a file's certificates (leaf first, as a client would
// present them) when the first is not a CA's.
func (e *Engine) judgeClient(ctx context.Context, data []byte) *verdict.Result {
	certs, err := pki.ParseCertificates(data)
	if err != nil || len(certs) == 0 || certs[0].IsCA {
		return nil
	}
	trust, err := e.Trust(ctx)
	if err != nil {
		return nil
	}
	res := verdict.JudgeCertificates(certs, trust, e.Now())
	return &res
}
