package vault

import (
	"context"
	"database/sql"
	"encoding/base64"
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

func (v *Vault) audit(tx *sql.Tx, action string, caID, certID int64, detail string) error {
	_, err := tx.Exec(`INSERT INTO audit (at, actor, action, ca_id, cert_id, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		v.now().UTC().Unix(), v.Actor, action, nullID(caID), nullID(certID), detail)
	if err != nil {
		return fmt.Errorf("writing the audit trail: %w", err)
	}
	return nil
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
	rows, err := v.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the audit trail: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.CAID, &e.CertID, &e.Detail); err != nil {
			return nil, fmt.Errorf("reading the audit trail: %w", err)
		}
		e.At = time.Unix(at, 0).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func encodeB64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func decodeB64(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }
