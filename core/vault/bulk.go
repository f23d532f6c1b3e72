package vault

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"certdesk/core/pki"
)

// BulkRow is the outcome of one row of a bulk issuance: its record, or why
// it failed. Failed rows change nothing.
type BulkRow struct {
	Record Record
	Err    error
}

// IssuePeople issues a person certificate for every request. Keys are made
// and signed on every core; the certificates are then stored in one
// transaction, each row on its own savepoint, so a row that fails (a bad
// e-mail, say) is reported and the others are kept. progress, when not nil,
// is called from worker goroutines with the number of rows signed so far.
// Cancelling ctx before the end stores nothing. Every certificate stored
// counts as undelivered (see Undelivered) until MarkDelivered says its
// PKCS#12 and password reached the person's folder.
func (v *Vault) IssuePeople(ctx context.Context, ca CA, reqs []pki.PersonRequest, progress func(done, total int)) ([]BulkRow, error) {
	auth, err := v.Authority(ctx, ca)
	if err != nil {
		return nil, err
	}
	rows := make([]BulkRow, len(reqs))
	issued := make([]*pki.Issued, len(reqs))
	now := v.now()
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(reqs) || ctx.Err() != nil {
					return
				}
				issued[i], rows[i].Err = auth.IssuePerson(reqs[i], now)
				if progress != nil {
					progress(int(done.Add(1)), len(reqs))
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bulk issuance cancelled; nothing was stored: %w", err)
	}
	var ids []int64
	err = v.write(ctx, func(tx *sql.Tx) error {
		for i, is := range issued {
			if rows[i].Err != nil {
				continue
			}
			if _, err := tx.Exec(`SAVEPOINT row`); err != nil {
				return fmt.Errorf("bulk issuance: %w", err)
			}
			id, err := v.insertCert(tx, is.Cert, is.Key, KindClient, ca.ID, 0)
			if err == nil {
				err = v.audit(tx, "cert.issue", ca.ID, id, fmt.Sprintf("client certificate %q, serial %s, by CA %q %s", is.Cert.Subject.CommonName, pki.SerialHex(is.Cert.SerialNumber), ca.Name, bulkUndelivered))
			}
			if err != nil {
				rows[i].Err = err
				if _, rerr := tx.Exec(`ROLLBACK TO row`); rerr != nil {
					return errors.Join(err, rerr)
				}
			} else {
				rows[i].Record.ID = id
				ids = append(ids, id)
			}
			if _, err := tx.Exec(`RELEASE row`); err != nil {
				return fmt.Errorf("bulk issuance: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range rows {
		if rows[i].Err == nil {
			if rows[i].Record, err = v.Get(ctx, rows[i].Record.ID); err != nil {
				return nil, err
			}
		}
	}
	return rows, nil
}
