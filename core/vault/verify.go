package vault

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"certdesk/core/pki"
)

// Read-side checks. Every read that serves trust or hands a certificate out
// goes through these: the DER against its stored SHA-256 fingerprint always,
// and, when the vault is unlocked, the row against its MAC.

// certWithFields reads a certificate's DER and MAC'd columns and checks them.
func (v *Vault) certWithFields(ctx context.Context, id int64) ([]byte, certFields, error) {
	var f certFields
	var der []byte
	key := v.macKeyOrNil()
	err := v.db.QueryRowContext(ctx, `SELECT b.der, `+certFieldColumns+` FROM certs c JOIN cert_blobs b ON b.cert_id = c.id WHERE c.id = ?`, id).
		Scan(append([]any{&der}, f.targets()...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, f, fmt.Errorf("%w: no certificate with id %d", ErrNotFound, id)
	}
	if err != nil {
		return nil, f, v.readError(fmt.Sprintf("reading certificate %d", id), err)
	}
	if got := pki.FingerprintSHA256(der); got != f.FP256 {
		return nil, f, tampered(f.name(), "its bytes do not match its stored SHA-256 fingerprint %s (they hash to %s)", f.FP256, got)
	}
	if err := v.checked(ctx, key, f.verify); err != nil {
		return nil, f, err
	}
	return der, f, nil
}

// readError marks SQLite's "corrupt" as ErrDamaged.
func (v *Vault) readError(what string, err error) error { return readError(what, err) }

// caRow reads a CA's MAC'd columns and, when unlocked, checks them.
func (v *Vault) caRow(ctx context.Context, id int64) (caFields, error) {
	var f caFields
	key := v.macKeyOrNil()
	err := v.db.QueryRowContext(ctx, `SELECT `+caFieldColumns+` FROM cas a WHERE a.id = ?`, id).Scan(f.targets()...)
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("%w: no CA with id %d", ErrNotFound, id)
	}
	if err != nil {
		return f, v.readError(fmt.Sprintf("reading CA %d", id), err)
	}
	return f, v.checked(ctx, key, f.verify)
}

// VerifyCA checks everything that makes a CA trusted: its record, its
// certificate (fingerprint and MAC), the certificate against the CA's
// private key when the vault holds it, and its revocation set. Without
// the passphrase only the fingerprint can be checked (see Assurance).
func (v *Vault) VerifyCA(ctx context.Context, ca CA) error {
	f, err := v.caRow(ctx, ca.ID)
	if err != nil {
		return err
	}
	cert, err := v.Certificate(ctx, f.CertID)
	if err != nil {
		return err
	}
	if v.Unlocked() && ca.Cert.HasKey {
		key, err := v.PrivateKey(ctx, f.CertID)
		if err != nil {
			return err
		}
		if err := pki.KeyMatchesCertificate(key, cert); err != nil {
			return tampered(fmt.Sprintf("the certificate of CA %q", f.Name), "it does not match the CA's private key")
		}
	}
	_, err = v.verifiedRevocations(ctx, f)
	return err
}

// verifiedRevocations reads the revoked certificates of a CA and, when the
// vault is unlocked, checks each row's MAC and the set against the count and
// digest in the CA's record: a revocation removed, added or changed by
// anyone without the vault key is refused.
func (v *Vault) verifiedRevocations(ctx context.Context, ca caFields) ([]certFields, error) {
	key := v.macKeyOrNil()
	out, err := queryAll(ctx, v.db, "reading revocations", scanFields[certFields],
		`SELECT `+certFieldColumns+` FROM certs c WHERE c.ca_id = ? AND c.revoked_at IS NOT NULL ORDER BY c.id`, ca.ID)
	if err != nil {
		return nil, err
	}
	if err := v.checked(ctx, key, func(key []byte) error { return verifyRevocations(key, ca, out) }); err != nil {
		return nil, err
	}
	return out, nil
}

// verifyRevocations checks a CA's revoked certificates against their MACs
// and against the count and digest sealed in the CA's record.
func verifyRevocations(key []byte, ca caFields, revoked []certFields) error {
	var acc digest
	for _, f := range revoked {
		if err := f.verify(key); err != nil {
			return err
		}
		acc.toggle(f.revElement(key))
	}
	if int64(len(revoked)) != ca.RevCount || acc.String() != ca.RevDigest {
		return tampered(fmt.Sprintf("the revocation list of CA %q", ca.Name), "the vault holds %d revoked certificates but the CA's record was sealed with %d, or they differ: a revocation was removed, added or changed", len(revoked), ca.RevCount)
	}
	return nil
}

// verifyDenials checks the deny-list rows against their MACs and the list's seal.
func verifyDenials(key []byte, rows []denialFields, seal string) error {
	var acc digest
	for _, f := range rows {
		if err := f.verify(key); err != nil {
			return err
		}
		acc.toggle(f.MAC)
	}
	want := setSeal{}
	if seal != "" {
		s, err := decodeSetSeal(key, "denials", "the fingerprint deny-list", seal)
		if err != nil {
			return err
		}
		want = s
	} else if len(rows) > 0 {
		return tampered("the fingerprint deny-list", "its seal is missing")
	}
	if want.Count != int64(len(rows)) || want.Digest != acc {
		return tampered("the fingerprint deny-list", "it holds %d entries but was sealed with %d, or they differ: an entry was removed, added or changed", len(rows), want.Count)
	}
	return nil
}

func readDenialRows(ctx context.Context, q queryer) ([]denialFields, string, error) {
	out, err := queryAll(ctx, q, "reading the deny-list", scanFields[denialFields],
		`SELECT `+denialColumns+` FROM denied_fingerprints ORDER BY revoked_at, fingerprint_sha256`)
	if err != nil {
		return nil, "", err
	}
	var seal string
	err = q.QueryRowContext(ctx, `SELECT value FROM meta WHERE name = 'denials_seal'`).Scan(&seal)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("reading the deny-list: %w", err)
	}
	return out, seal, nil
}

// sealAllDenials MACs every deny-list entry and the list under key.
func sealAllDenials(ctx context.Context, tx *sql.Tx, key []byte) error {
	rows, _, err := readDenialRows(ctx, tx)
	if err != nil {
		return err
	}
	var s setSeal
	for _, f := range rows {
		m := f.mac(key)
		if _, err := tx.ExecContext(ctx, `UPDATE denied_fingerprints SET mac = ? WHERE fingerprint_sha256 = ?`, m, f.FP); err != nil {
			return fmt.Errorf("sealing the deny-list: %w", err)
		}
		s.Count++
		s.Digest.toggle(m)
	}
	return setMeta(tx, "denials_seal", s.encode(key, "denials"))
}

// toggleDenial adds (sign +1) or removes (-1) one entry from the list's
// seal, after checking the seal as it stands.
func toggleDenial(tx *sql.Tx, key, entryMAC []byte, sign int64) error {
	var cur setSeal
	var s string
	err := tx.QueryRow(`SELECT value FROM meta WHERE name = 'denials_seal'`).Scan(&s)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("reading the deny-list: %w", err)
	default:
		if cur, err = decodeSetSeal(key, "denials", "the fingerprint deny-list", s); err != nil {
			return err
		}
	}
	cur.Count += sign
	cur.Digest.toggle(entryMAC)
	return setMeta(tx, "denials_seal", cur.encode(key, "denials"))
}

// RevocationState is the revocation state of one vault certificate.
type RevocationState struct {
	CertID, CAID int64
	Serial       string // hex, as stored
	Revoked      bool
	Reason       int
	At           time.Time // zero unless revoked
}

// RevocationStateOf reads one certificate's revocation state, checked
// against its MAC when the vault is unlocked: for code that follows
// revocations one by one (a server reloading trust from the audit trail)
// instead of rebuilding the whole trust with CAs.
func (v *Vault) RevocationStateOf(ctx context.Context, certID int64) (RevocationState, error) {
	var f certFields
	key := v.macKeyOrNil()
	err := v.db.QueryRowContext(ctx, `SELECT `+certFieldColumns+` FROM certs c WHERE c.id = ?`, certID).Scan(f.targets()...)
	if errors.Is(err, sql.ErrNoRows) {
		return RevocationState{}, fmt.Errorf("%w: no certificate with id %d", ErrNotFound, certID)
	}
	if err != nil {
		return RevocationState{}, v.readError(fmt.Sprintf("reading certificate %d", certID), err)
	}
	if err := v.checked(ctx, key, f.verify); err != nil {
		return RevocationState{}, err
	}
	s := RevocationState{CertID: f.ID, CAID: f.CAID, Serial: f.Serial, Revoked: f.RevokedAt >= 0, Reason: int(f.Reason)}
	if s.Revoked {
		s.At = time.Unix(f.RevokedAt, 0).UTC()
	}
	return s, nil
}
