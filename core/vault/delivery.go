package vault

import (
	"context"
	"database/sql"
	"fmt"
)

// Delivery bookkeeping for bulk issuance lives in the audit trail, so it
// needs no schema of its own: IssuePeople notes each certificate as
// "to deliver" in its cert.issue entry, and MarkDelivered adds a
// cert.deliver entry once the PKCS#12 file and its password are safely
// written. A certificate with the first and not the second was issued but
// never handed out (a full disk, a kill): a re-run delivers it again.
const (
	bulkUndelivered = "(bulk; PKCS#12 to deliver)"
	actionDeliver   = "cert.deliver"
)

// Undelivered returns the ids of the CA's bulk-issued certificates whose
// PKCS#12 was never marked delivered.
func (v *Vault) Undelivered(ctx context.Context, caID int64) (map[int64]bool, error) {
	rows, err := v.db.QueryContext(ctx, `SELECT a.cert_id FROM audit a
		WHERE a.action = 'cert.issue' AND a.ca_id = ? AND a.cert_id IS NOT NULL AND a.detail LIKE ?
		AND NOT EXISTS (SELECT 1 FROM audit d WHERE d.cert_id = a.cert_id AND d.action = ?)`,
		caID, "%"+bulkUndelivered, actionDeliver)
	if err != nil {
		return nil, fmt.Errorf("reading which bulk certificates were delivered: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("reading which bulk certificates were delivered: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// MarkDelivered records, in one transaction, that the PKCS#12 files of
// the CA's certificates ids and their passwords were written to dest.
func (v *Vault) MarkDelivered(ctx context.Context, caID int64, ids []int64, dest string) error {
	if len(ids) == 0 {
		return nil
	}
	return v.write(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if err := v.audit(tx, actionDeliver, caID, id, fmt.Sprintf("PKCS#12 of certificate %d and its password written to %s", id, dest)); err != nil {
				return err
			}
		}
		return nil
	})
}
