package vault

import (
	"context"
	"database/sql"
	"fmt"
)

// resealPendingKeys re-seals the keys of CAs waiting for their certificate
// under a new vault key (rekey), inside the caller's transaction.
func resealPendingKeys(ctx context.Context, tx *sql.Tx, oldKey, newKey []byte) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, name, csr_der, key_sealed FROM pending_cas ORDER BY id`)
	if err != nil {
		return 0, fmt.Errorf("reading pending CAs: %w", err)
	}
	type item struct {
		id          int64
		name        string
		csr, sealed []byte
	}
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.id, &it.name, &it.csr, &it.sealed); err != nil {
			rows.Close()
			return 0, fmt.Errorf("reading pending CAs: %w", err)
		}
		items = append(items, it)
	}
	rows.Close()
	for _, it := range items {
		aad := pendingAAD(it.csr)
		der, err := open(oldKey, it.sealed, aad)
		if err != nil {
			return 0, fmt.Errorf("%w: the key of the pending CA %q does not decrypt", ErrDamaged, it.name)
		}
		resealed, err := seal(newKey, der, aad)
		clear(der)
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pending_cas SET key_sealed = ? WHERE id = ?`, resealed, it.id); err != nil {
			return 0, fmt.Errorf("storing the re-sealed key of the pending CA %q: %w", it.name, err)
		}
	}
	return len(items), nil
}
