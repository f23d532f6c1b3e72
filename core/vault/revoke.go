package vault

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"time"

	"certdesk/core/pki"
)

// ErrAlreadyRevoked and ErrNotRevoked guard revoke and unrevoke.
var (
	ErrAlreadyRevoked = errors.New("already revoked")
	ErrNotRevoked     = errors.New("not revoked")
)

// Revoke marks a vault certificate revoked with an RFC 5280 reason code.
func (v *Vault) Revoke(ctx context.Context, id int64, reason int) (Record, error) {
	return v.RevokeIfUnchanged(ctx, id, reason, 0)
}

// RevokeIfUnchanged is Revoke for a caller who saw the certificate at
// version seen: a *ConflictError when it changed since (0: no check).
func (v *Vault) RevokeIfUnchanged(ctx context.Context, id int64, reason int, seen int64) (Record, error) {
	if _, err := v.key(); err != nil {
		return Record{}, err
	}
	if _, err := ParseReason(fmt.Sprint(reason)); err != nil {
		return Record{}, err
	}
	rec, err := v.Get(ctx, id)
	if err != nil {
		return Record{}, err
	}
	if rec.Kind == KindCA && !v.issuedByParent(ctx, rec) {
		return Record{}, fmt.Errorf("%q is a CA's own certificate: a CA is not revoked in its own CRL; stop trusting it (remove it from servers) instead", rec.CommonName)
	}
	if rec.CAID == 0 {
		return Record{}, fmt.Errorf("%q was not issued by a CA in this vault; deny it by fingerprint instead", rec.CommonName)
	}
	err = v.write(ctx, func(tx *sql.Tx) error {
		if err := v.edit(tx, certRow(rec), seen); err != nil {
			return err
		}
		res, err := tx.Exec(`UPDATE certs SET revoked_at = ?, revocation_reason = ? WHERE id = ? AND revoked_at IS NULL`, v.now().UTC().Unix(), reason, id)
		if err != nil {
			return fmt.Errorf("revoking: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: %q was revoked on %s (%s); nothing changed", ErrAlreadyRevoked, rec.CommonName, rec.RevokedAt.Format("2006-01-02 15:04 MST"), ReasonName(rec.RevocationReason))
		}
		return v.audit(tx, "cert.revoke", rec.CAID, id, fmt.Sprintf("revoked %q, serial %s, reason %s", rec.CommonName, rec.Serial, ReasonName(reason)))
	})
	if err != nil {
		return Record{}, err
	}
	return v.Get(ctx, id)
}

// Unrevoke undoes a revocation made by mistake. CRLs already published
// still list the certificate until the next one is signed.
func (v *Vault) Unrevoke(ctx context.Context, id int64) (Record, error) {
	return v.UnrevokeIfUnchanged(ctx, id, 0)
}

// UnrevokeIfUnchanged is Unrevoke for a caller who saw the certificate at
// version seen: a *ConflictError when it changed since (0: no check).
func (v *Vault) UnrevokeIfUnchanged(ctx context.Context, id int64, seen int64) (Record, error) {
	if _, err := v.key(); err != nil {
		return Record{}, err
	}
	rec, err := v.Get(ctx, id)
	if err != nil {
		return Record{}, err
	}
	err = v.write(ctx, func(tx *sql.Tx) error {
		if err := v.edit(tx, certRow(rec), seen); err != nil {
			return err
		}
		res, err := tx.Exec(`UPDATE certs SET revoked_at = NULL, revocation_reason = NULL WHERE id = ? AND revoked_at IS NOT NULL`, id)
		if err != nil {
			return fmt.Errorf("unrevoking: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: %q is not revoked; nothing changed", ErrNotRevoked, rec.CommonName)
		}
		return v.audit(tx, "cert.unrevoke", rec.CAID, id, fmt.Sprintf("unrevoked %q, serial %s (was %s)", rec.CommonName, rec.Serial, ReasonName(rec.RevocationReason)))
	})
	if err != nil {
		return Record{}, err
	}
	return v.Get(ctx, id)
}

// Denial is a certificate from elsewhere refused by its fingerprint.
type Denial struct {
	FingerprintSHA256 string    `json:"fingerprint_sha256"`
	Reason            string    `json:"reason"`
	RevokedAt         time.Time `json:"revoked_at"`
	Note              string    `json:"note,omitempty"`
	Version           int64     `json:"version"` // versions.go
}

// DenyFingerprint refuses a certificate by its SHA-256 fingerprint. When the
// fingerprint is a vault certificate's, that certificate is revoked instead.
func (v *Vault) DenyFingerprint(ctx context.Context, fingerprint string, reason int, note string) (Denial, error) {
	if _, err := v.key(); err != nil {
		return Denial{}, err
	}
	fp, err := pki.ParseFingerprintSHA256(fingerprint)
	if err != nil {
		return Denial{}, err
	}
	d := Denial{FingerprintSHA256: fp, Reason: ReasonName(reason), RevokedAt: v.now().UTC().Truncate(time.Second), Note: note}
	err = v.write(ctx, func(tx *sql.Tx) error {
		key := v.macKeyOrNil()
		row := denialFields{FP: fp, Reason: int64(reason), RevokedAt: d.RevokedAt.Unix(), Note: note}
		row.MAC = row.mac(key)
		change, err := v.nextChange(tx)
		if err != nil {
			return err
		}
		d.Version = change
		_, err = tx.Exec(`INSERT INTO denied_fingerprints (fingerprint_sha256, reason, revoked_at, note, mac, version) VALUES (?, ?, ?, ?, ?, ?)`, fp, reason, d.RevokedAt.Unix(), note, row.MAC, change)
		if err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("%w: %s is already on the deny-list; nothing changed", ErrAlreadyRevoked, fp)
			}
			return fmt.Errorf("adding to the deny-list: %w", err)
		}
		if err := toggleDenial(tx, key, row.MAC, +1); err != nil {
			return err
		}
		return v.audit(tx, "fingerprint.deny", 0, 0, fmt.Sprintf("denied %s, reason %s", fp, ReasonName(reason)))
	})
	return d, err
}

// AllowFingerprint takes a fingerprint off the deny-list.
func (v *Vault) AllowFingerprint(ctx context.Context, fingerprint string) error {
	return v.AllowFingerprintIfUnchanged(ctx, fingerprint, 0)
}

// AllowFingerprintIfUnchanged is AllowFingerprint for a caller who saw the
// entry at version seen (Denial.Version): a *ConflictError when it
// changed or was lifted since (0: no check).
func (v *Vault) AllowFingerprintIfUnchanged(ctx context.Context, fingerprint string, seen int64) error {
	if _, err := v.key(); err != nil {
		return err
	}
	fp, err := pki.ParseFingerprintSHA256(fingerprint)
	if err != nil {
		return err
	}
	return v.write(ctx, func(tx *sql.Tx) error {
		if err := unchanged(tx, denialRow(fp), seen); err != nil {
			return err
		}
		key := v.macKeyOrNil()
		var row denialFields
		err := tx.QueryRow(`SELECT `+denialColumns+` FROM denied_fingerprints WHERE fingerprint_sha256 = ?`, fp).Scan(row.targets()...)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: %s is not on the deny-list", ErrNotRevoked, fp)
		}
		if err != nil {
			return fmt.Errorf("changing the deny-list: %w", err)
		}
		if err := row.verify(key); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM denied_fingerprints WHERE fingerprint_sha256 = ?`, fp); err != nil {
			return fmt.Errorf("changing the deny-list: %w", err)
		}
		if err := toggleDenial(tx, key, row.MAC, -1); err != nil {
			return err
		}
		return v.audit(tx, "fingerprint.allow", 0, 0, allowDetail(fp))
	})
}

func allowDetail(fp string) string { return "allowed " + fp }

// Denials lists the fingerprint deny-list. When the vault is unlocked
// every entry and the list as a whole are checked against their MACs.
func (v *Vault) Denials(ctx context.Context) ([]Denial, error) {
	key := v.macKeyOrNil()
	rows, seal, err := readDenialRows(ctx, v.db)
	if err != nil {
		return nil, v.readError("reading the deny-list", err)
	}
	if err := v.checked(ctx, key, func(key []byte) error { return verifyDenials(key, rows, seal) }); err != nil {
		return nil, err
	}
	var out []Denial
	for _, f := range rows {
		out = append(out, Denial{FingerprintSHA256: f.FP, Reason: ReasonName(int(f.Reason)), RevokedAt: time.Unix(f.RevokedAt, 0).UTC(), Note: f.Note, Version: f.Version})
	}
	return out, nil
}

// RevokedBy tells who revoked a certificate, from the audit trail.
func (v *Vault) RevokedBy(ctx context.Context, id int64) (string, error) {
	var actor string
	err := v.db.QueryRowContext(ctx, `SELECT actor FROM audit WHERE cert_id = ? AND action = 'cert.revoke' ORDER BY id DESC LIMIT 1`, id).Scan(&actor)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return actor, err
}

// CRL is a signed certificate revocation list.
type CRL struct {
	DER        []byte
	Number     int64
	ThisUpdate time.Time
	NextUpdate time.Time
	Entries    int
}

// SignCRL signs the next CRL of the CA: its number is one more than the
// last (stored in the vault, never reused), valid for validity (default 30 days).
func (v *Vault) SignCRL(ctx context.Context, ca CA, validity time.Duration) (CRL, error) {
	if validity <= 0 {
		validity = pki.DefaultCRLValidity
	}
	auth, err := v.Authority(ctx, ca)
	if err != nil {
		return CRL{}, err
	}
	if err := auth.CheckCanSignCRL(); err != nil {
		return CRL{}, err
	}
	row, err := v.caRow(ctx, ca.ID)
	if err != nil {
		return CRL{}, err
	}
	revoked, err := v.verifiedRevocations(ctx, row)
	if err != nil {
		return CRL{}, err
	}
	var out CRL
	err = v.write(ctx, func(tx *sql.Tx) error {
		var last int64
		if err := tx.QueryRow(`SELECT crl_number FROM cas WHERE id = ?`, ca.ID).Scan(&last); err != nil {
			return fmt.Errorf("reading the CRL number: %w", err)
		}
		var entries []pki.Revoked
		for _, f := range revoked {
			n, ok := new(big.Int).SetString(f.Serial, 16)
			if !ok {
				return tampered(f.name(), "its serial %q is not hexadecimal", f.Serial)
			}
			if f.ID == ca.CertID { // its own certificate; revoked issuing CAs below it are listed
				continue
			}
			entries = append(entries, pki.Revoked{Serial: n, Time: time.Unix(f.RevokedAt, 0), Reason: int(f.Reason)})
		}
		now := v.now().UTC().Truncate(time.Second)
		out = CRL{Number: last + 1, ThisUpdate: now, NextUpdate: now.Add(validity), Entries: len(entries)}
		out.DER, err = auth.SignCRL(pki.CRLRequest{Number: big.NewInt(out.Number), ThisUpdate: now, NextUpdate: out.NextUpdate, Entries: entries})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE cas SET crl_number = ?, crl_this_update = ?, crl_next_update = ? WHERE id = ? AND crl_number = ?`,
			out.Number, now.Unix(), out.NextUpdate.Unix(), ca.ID, last); err != nil {
			return fmt.Errorf("recording the CRL number: %w", err)
		}
		if _, err := tx.Exec(`INSERT INTO crls (ca_id, number, this_update, next_update, der) VALUES (?, ?, ?, ?, ?)`,
			ca.ID, out.Number, now.Unix(), out.NextUpdate.Unix(), out.DER); err != nil {
			return fmt.Errorf("storing the CRL: %w", err)
		}
		return v.audit(tx, "crl.sign", ca.ID, 0, fmt.Sprintf("CRL #%d of %q with %d entries, next update %s", out.Number, ca.Name, len(entries), out.NextUpdate.Format(time.RFC3339)))
	})
	return out, err
}

// RevokeMany revokes several certificates in one transaction (for
// off-boarding a team); ones already revoked are left as they are. It
// returns how many it revoked.
func (v *Vault) RevokeMany(ctx context.Context, ids []int64, reason int) (int, error) {
	recs := make([]Record, len(ids))
	for i, id := range ids {
		recs[i].ID = id
	}
	return v.RevokeManyIfUnchanged(ctx, recs, reason)
}

// RevokeManyIfUnchanged is RevokeMany for certificates as their caller
// saw them: when any changed since its Version (0: no check), none is
// revoked and a *ConflictError names it.
func (v *Vault) RevokeManyIfUnchanged(ctx context.Context, recs []Record, reason int) (int, error) {
	if _, err := v.key(); err != nil {
		return 0, err
	}
	if _, err := ParseReason(fmt.Sprint(reason)); err != nil {
		return 0, err
	}
	n := 0
	err := v.write(ctx, func(tx *sql.Tx) error {
		at := v.now().UTC().Unix()
		for _, r := range recs {
			id := r.ID
			if err := unchanged(tx, certRow(r), r.Version); err != nil {
				return err
			}
			res, err := tx.Exec(`UPDATE certs SET revoked_at = ?, revocation_reason = ? WHERE id = ? AND revoked_at IS NULL AND kind <> 'ca' AND ca_id IS NOT NULL`, at, reason, id)
			if err != nil {
				return fmt.Errorf("revoking certificate %d: %w", id, err)
			}
			if k, _ := res.RowsAffected(); k == 0 {
				continue
			}
			n++
			if err := v.touch(tx, certIDRow(id)); err != nil {
				return err
			}
			if err := v.audit(tx, "cert.revoke", 0, id, fmt.Sprintf("revoked certificate %d, reason %s (bulk)", id, ReasonName(reason))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
