package vault

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
)

// failPoint, when set by a test, is called inside ChangePassphrase's and
// Rekey's transaction after everything is written and before the commit;
// an error it returns aborts the transaction.
var failPoint func(stage string) error

// ChangePassphrase re-wraps the vault key under a new passphrase, in one
// transaction: until it commits the old passphrase works, after it only the
// new one. The vault must be unlocked; the new passphrase must pass
// CheckPassphrase. An insecure vault has no passphrase to change.
func (v *Vault) ChangePassphrase(ctx context.Context, newPassphrase []byte) error {
	if v.onServer() && !v.insecure {
		if err := CheckPassphrase(newPassphrase); err != nil {
			return err
		}
		return v.changeSlotPassphrase(ctx, newPassphrase)
	}
	vk, err := v.key()
	if err != nil {
		return err
	}
	if v.insecure {
		return fmt.Errorf("%w: it is an insecure demo vault; make a protected one with `certctl init`", ErrNoPassphraseVault)
	}
	if err := CheckPassphrase(newPassphrase); err != nil {
		return err
	}
	params, kek, err := newKEK(newPassphrase, false)
	if err != nil {
		return err
	}
	m, err := wrappedKeyMeta(params, kek, vk)
	if err != nil {
		return err
	}
	return v.write(ctx, func(tx *sql.Tx) error {
		for k, val := range m {
			if err := setMeta(tx, k, val); err != nil {
				return err
			}
		}
		if err := v.audit(tx, "vault.passwd", 0, 0, "passphrase changed (vault key re-wrapped)"); err != nil {
			return err
		}
		return hit("passwd")
	})
}

func hit(stage string) error {
	if failPoint != nil {
		return failPoint(stage)
	}
	return nil
}

// Rekey draws a new vault key, re-seals every private key under it,
// recomputes every MAC and audit link, and wraps it under the current
// passphrase, all in one transaction. passphrase must be the vault's
// (nil for an insecure vault): it wraps the new key.
func (v *Vault) Rekey(ctx context.Context, passphrase []byte) (int, error) {
	if v.onServer() {
		return v.rekeyTeam(ctx)
	}
	if _, err := v.key(); err != nil {
		return 0, err
	}
	if err := v.writable(ctx); err != nil {
		return 0, err
	}
	m, err := v.meta(ctx)
	if err != nil {
		return 0, err
	}
	params, err := kdfFromMeta(m)
	if err != nil {
		return 0, err
	}
	if params.Insecure {
		passphrase = nil
	}
	kek, err := params.derive(passphrase)
	if err != nil {
		return 0, err
	}
	wrapped, err := decodeB64(m["vault_key"])
	if err != nil {
		return 0, fmt.Errorf("%w: the vault's sealed key is unreadable", ErrDamaged)
	}
	if _, err := open(kek, wrapped, vaultKeyAADSealed); err != nil {
		return 0, ErrWrongPassphrase
	}
	return v.rotate(ctx, nil, func(tx *sql.Tx, newKey []byte) error {
		meta, err := wrappedKeyMeta(params, kek, newKey)
		if err != nil {
			return err
		}
		for k, val := range meta {
			if err := setMeta(tx, k, val); err != nil {
				return err
			}
		}
		return nil
	}, "vault.rekey", "new vault key")
}

// rotate draws a new vault key and, in one transaction, runs before,
// re-seals every private key under the new key, recomputes every MAC and
// audit link, lets wrap store the new key (under the passphrase, or in the
// admins' slots) and records action. It refuses a vault that fails its
// checks. Nothing changes unless all of it commits.
func (v *Vault) rotate(ctx context.Context, before func(tx *sql.Tx) error, wrap func(tx *sql.Tx, newKey []byte) error, action, detail string) (int, error) {
	oldKey, err := v.key()
	if err != nil {
		return 0, err
	}
	if err := v.verifyAllBeforeRekey(ctx); err != nil {
		return 0, err
	}
	newKey := make([]byte, 32)
	if _, err := rand.Read(newKey); err != nil {
		return 0, fmt.Errorf("drawing the vault key: %w", err)
	}
	newMAC, err := deriveMACKey(newKey)
	if err != nil {
		return 0, err
	}
	tx, err := v.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("starting a vault transaction: %w", err)
	}
	defer tx.Rollback()
	if err := trackChanges(tx, v.onServer()); err != nil {
		return 0, err
	}
	if before != nil {
		if err := before(tx); err != nil {
			return 0, err
		}
	}
	n, err := resealKeys(ctx, tx, oldKey, newKey)
	if err != nil {
		return 0, err
	}
	pending, err := resealPendingKeys(ctx, tx, oldKey, newKey)
	if err != nil {
		return 0, err
	}
	n += pending
	if err := v.sealAll(ctx, tx, newMAC); err != nil {
		return 0, err
	}
	if err := wrap(tx, newKey); err != nil {
		return 0, err
	}
	// Sessions that unlocked before see the epoch move on (checkEpoch).
	if err := setMeta(tx, "key_epoch", keyEpoch(newMAC)); err != nil {
		return 0, err
	}
	v.mu.Lock()
	saved := v.macKey
	v.macKey = newMAC
	v.mu.Unlock()
	err = v.audit(tx, action, 0, 0, fmt.Sprintf("%s; %d private keys re-sealed", detail, n))
	if err == nil {
		err = hit("rekey")
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		v.mu.Lock()
		v.macKey = saved
		v.mu.Unlock()
		return 0, fmt.Errorf("rekeying: %w (nothing was changed)", err)
	}
	v.mu.Lock()
	clear(v.vaultKey)
	v.vaultKey = newKey
	v.mu.Unlock()
	return n, nil
}

// verifyAllBeforeRekey refuses to re-seal a vault whose records fail their
// checks: rekeying would otherwise bless them under the new key.
func (v *Vault) verifyAllBeforeRekey(ctx context.Context) error {
	r, err := v.CheckAll(ctx, CheckOptions{})
	if err != nil {
		return err
	}
	if len(r.Problems) > 0 {
		return fmt.Errorf("%w: the vault fails its checks, so it was not rekeyed: %s", ErrTampered, r.Problems[0].Message)
	}
	return nil
}

// resealKeys re-encrypts every private key from oldKey to newKey.
func resealKeys(ctx context.Context, tx *sql.Tx, oldKey, newKey []byte) (int, error) {
	items, err := queryAll(ctx, tx, "reading private keys", func(s scanner) (sealedItem, error) {
		var it sealedItem
		var fp string
		err := s.Scan(&it.id, &fp, &it.sealed)
		it.what, it.aad = fmt.Sprintf("the private key of certificate %d", it.id), keyAADPrefix+fp
		return it, err
	}, `SELECT b.cert_id, c.fingerprint_sha256, b.key_sealed FROM cert_blobs b JOIN certs c ON c.id = b.cert_id WHERE b.key_sealed IS NOT NULL ORDER BY b.cert_id`)
	if err != nil {
		return 0, err
	}
	return resealAll(ctx, tx, items, oldKey, newKey, `UPDATE cert_blobs SET key_sealed = ? WHERE cert_id = ?`)
}

// sealedItem is one sealed secret a rekey re-encrypts.
type sealedItem struct {
	id     int64  // its row
	what   string // what it is, for errors
	aad    string // the associated data it is sealed with
	sealed []byte
}

// resealAll re-encrypts items from oldKey to newKey and stores each with
// update (its new bytes, then its id).
func resealAll(ctx context.Context, tx *sql.Tx, items []sealedItem, oldKey, newKey []byte, update string) (int, error) {
	for _, it := range items {
		der, err := open(oldKey, it.sealed, it.aad)
		if err != nil {
			return 0, fmt.Errorf("%w: %s does not decrypt", ErrDamaged, it.what)
		}
		resealed, err := seal(newKey, der, it.aad)
		clear(der)
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, update, resealed, it.id); err != nil {
			return 0, fmt.Errorf("storing %s, re-sealed: %w", it.what, err)
		}
	}
	return len(items), nil
}
