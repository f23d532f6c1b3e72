package vault

import (
	"context"
	"database/sql"
	"fmt"
)

// resealPendingKeys re-seals the keys of CAs waiting for their certificate
// under a new vault key (rekey), inside the caller's transaction.
func resealPendingKeys(ctx context.Context, tx *sql.Tx, oldKey, newKey []byte) (int, error) {
	items, err := queryAll(ctx, tx, "reading pending CAs", func(s scanner) (sealedItem, error) {
		var it sealedItem
		var name string
		var csr []byte
		err := s.Scan(&it.id, &name, &csr, &it.sealed)
		it.what, it.aad = fmt.Sprintf("the key of the pending CA %q", name), pendingAAD(csr)
		return it, err
	}, `SELECT id, name, csr_der, key_sealed FROM pending_cas ORDER BY id`)
	if err != nil {
		return 0, err
	}
	return resealAll(ctx, tx, items, oldKey, newKey, `UPDATE pending_cas SET key_sealed = ? WHERE id = ?`)
}
