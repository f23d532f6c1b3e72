package engine

import (
	"context"

	"certdesk/core/onboard"
)

// Onboard issues a certificate to every person of a list and writes a
// PKCS#12 file for each with a sheet of their passwords. A row that cannot
// be issued fails alone and is reported with its line; the others are
// issued. The vault must be unlocked.
func (e *Engine) Onboard(ctx context.Context, ca CA, rows []onboard.Row, opts onboard.Options) (onboard.Report, error) {
	return onboard.Run(ctx, e.store, ca, rows, opts)
}
