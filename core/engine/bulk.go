package engine

import (
	"context"

	"certdesk/core/onboard"
	"certdesk/core/pki"
)

// Onboard issues a certificate to every person of a list and writes a
// PKCS#12 file for each with a sheet of their passwords. A row that cannot
// be issued fails alone and is reported with its line (a name outside the
// name constraints of the CA or one above it among them); the others are
// issued. The vault must be unlocked.
func (e *Engine) Onboard(ctx context.Context, ca CA, rows []onboard.Row, opts onboard.Options) (onboard.Report, error) {
	cas, err := e.caChain(ctx, ca)
	if err != nil {
		return onboard.Report{}, err
	}
	checked := make([]onboard.Row, len(rows))
	for i, r := range rows {
		if r.Err == nil {
			if names, err := pki.PersonNames(r.Req); err == nil {
				r.Err = checkNames(cas, names)
			}
		}
		checked[i] = r
	}
	return onboard.Run(ctx, e.store, ca, checked, opts)
}
