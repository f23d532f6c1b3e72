package engine

import (
	"context"

	"certdesk/core/export"
)

// WriteReminder saves a calendar (.ics) reminder of a certificate's expiry,
// daysBefore it; replace allows writing over an existing regular file.
func (e *Engine) WriteReminder(ctx context.Context, id int64, daysBefore int, path string, replace bool) (Record, error) {
	r, err := e.store.Get(ctx, id)
	if err != nil {
		return Record{}, err
	}
	data := export.Reminder(r.CommonName, r.Serial, r.FingerprintSHA256, r.NotAfter, daysBefore, e.Now())
	return r, export.WriteFile(path, data, false, replace)
}
