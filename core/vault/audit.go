package vault

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// AuditEntry is one recorded change.
type AuditEntry struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	CAID   int64     `json:"ca_id,omitempty"`
	CertID int64     `json:"cert_id,omitempty"`
	Detail string    `json:"detail"`
}

// audit appends an entry to the hash chain and moves its head. The vault
// must be unlocked (every change needs it).
func (v *Vault) audit(tx *sql.Tx, action string, caID, certID int64, detail string) error {
	key := v.macKeyOrNil()
	if key == nil {
		return ErrLocked
	}
	head, err := readAuditHead(tx, key)
	if err != nil {
		return err
	}
	e := auditFields{ID: head.ID + 1, At: v.now().UTC().Unix(), Actor: v.actor(), Action: action, CAID: caID, CertID: certID, Detail: detail}
	e.Link = e.link(key, head.Link)
	_, err = tx.Exec(`INSERT INTO audit (id, at, actor, action, ca_id, cert_id, detail, link) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.At, e.Actor, action, nullID(caID), nullID(certID), detail, e.Link)
	if err != nil {
		if isUniqueViolation(err) {
			return tampered("the audit trail", "an entry after its recorded head (id %d) exists", head.ID)
		}
		return fmt.Errorf("writing the audit trail: %w", err)
	}
	return setMeta(tx, "audit_head", auditHead{ID: e.ID, Link: e.Link}.encode(key))
}

// readAuditHead reads the chain's head; a vault with no entries yet starts at 0.
func readAuditHead(q interface {
	QueryRow(query string, args ...any) *sql.Row
}, key []byte) (auditHead, error) {
	var s string
	err := q.QueryRow(`SELECT value FROM meta WHERE name = 'audit_head'`).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		var n int
		if err := q.QueryRow(`SELECT count(*) FROM audit`).Scan(&n); err != nil {
			return auditHead{}, fmt.Errorf("reading the audit trail: %w", err)
		}
		if n > 0 {
			return auditHead{}, tampered("the audit trail's head", "it is missing")
		}
		return auditHead{}, nil
	}
	if err != nil {
		return auditHead{}, fmt.Errorf("reading the audit trail: %w", err)
	}
	return decodeAuditHead(key, s)
}

func setMeta(tx *sql.Tx, name, value string) error {
	_, err := tx.Exec(`INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	if err != nil {
		return fmt.Errorf("writing vault settings: %w", err)
	}
	return nil
}

// chainAllAudit recomputes every link of the audit trail under key.
func chainAllAudit(ctx context.Context, tx *sql.Tx, key []byte) error {
	entries, err := auditRows(ctx, tx, 0)
	if err != nil {
		return err
	}
	var head auditHead
	for _, e := range entries {
		e.Link = e.link(key, head.Link)
		if _, err := tx.ExecContext(ctx, `UPDATE audit SET link = ? WHERE id = ?`, e.Link, e.ID); err != nil {
			return fmt.Errorf("chaining the audit trail: %w", err)
		}
		head = auditHead{ID: e.ID, Link: e.Link}
	}
	if len(entries) == 0 {
		_, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE name = 'audit_head'`)
		return err
	}
	return setMeta(tx, "audit_head", head.encode(key))
}

func auditRows(ctx context.Context, q queryer, after int64) ([]auditFields, error) {
	return queryAll(ctx, q, "reading the audit trail", scanFields[auditFields],
		`SELECT id, at, actor, action, COALESCE(ca_id, 0), COALESCE(cert_id, 0), detail, link FROM audit WHERE id > ? ORDER BY id`, after)
}

// AuditChain is the result of checking the audit trail's hash chain.
type AuditChain struct {
	// Checked is false when the vault is locked: the links are HMACs under
	// the vault key, so the chain cannot be checked without it.
	Checked bool `json:"checked"`
	// Intact is true when every link and the head match.
	Intact  bool  `json:"intact"`
	Entries int   `json:"entries"`
	Problem error `json:"-"` // the first break, an *IntegrityError
	// BrokenAt is the id of the first entry whose link does not match (0: none).
	BrokenAt int64 `json:"broken_at,omitempty"`
}

// VerifyAudit walks the whole audit trail and checks its chain.
func (v *Vault) VerifyAudit(ctx context.Context) (AuditChain, error) {
	v.followRotation(ctx) // the chain is linked under the current key
	key := v.macKeyOrNil()
	q, done, err := v.snapshot(ctx)
	if err != nil {
		return AuditChain{}, err
	}
	defer done()
	entries, err := auditRows(ctx, q, 0)
	if err != nil {
		return AuditChain{}, err
	}
	out := AuditChain{Entries: len(entries)}
	if key == nil {
		return out, nil
	}
	out.Checked = true
	var prev auditHead
	for _, e := range entries {
		if e.Link == nil || !hmac.Equal(e.Link, e.link(key, prev.Link)) {
			out.BrokenAt = e.ID
			out.Problem = tampered(fmt.Sprintf("audit entry %d (%s)", e.ID, e.Action), "its link does not follow entry %d: an entry before it was removed or changed, or this one was", prev.ID)
			return out, nil
		}
		prev = auditHead{ID: e.ID, Link: e.Link}
	}
	head, err := readAuditHead(q, key)
	if err != nil {
		out.Problem = err
		return out, nil
	}
	if head.ID != prev.ID || !hmac.Equal(head.Link, prev.Link) {
		out.Problem = tampered("the audit trail", "it ends at entry %d but its head records entry %d: entries at the end were removed", prev.ID, head.ID)
		return out, nil
	}
	out.Intact = true
	return out, nil
}

// Audit returns the audit trail, newest first; certID 0 means all entries.
func (v *Vault) Audit(ctx context.Context, certID int64, limit int) ([]AuditEntry, error) {
	if limit <= 0 {
		limit = 1000
	}
	q := `SELECT id, at, actor, action, COALESCE(ca_id, 0), COALESCE(cert_id, 0), detail FROM audit`
	args := []any{}
	if certID != 0 {
		q += ` WHERE cert_id = ?`
		args = append(args, certID)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	return queryAll(ctx, v.db, "reading the audit trail", func(s scanner) (AuditEntry, error) {
		var e AuditEntry
		var at int64
		err := s.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.CAID, &e.CertID, &e.Detail)
		e.At = time.Unix(at, 0).UTC()
		return e, err
	}, q, args...)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func encodeB64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func decodeB64(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

// actor names who makes a change: on a team vault the database role and
// its role first.
func (v *Vault) actor() string {
	name, role := v.AdminRole()
	if name == "" {
		return v.Actor
	}
	return fmt.Sprintf("%s [%s] %s", name, role, v.Actor)
}
