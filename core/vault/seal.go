package vault

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"fmt"
	"strings"
)

// Resealing. Code anywhere in the vault changes certificate and CA rows with
// plain SQL inside write(); temporary triggers (they live on the connection,
// never in the file) remember each changed row's state before the change,
// and reseal, run just before the commit, checks that earlier state against
// its MAC, then MACs the new state and folds revocations into their CA's
// digest. A row that was altered outside Certdesk is therefore never
// re-blessed by a later legitimate change: the transaction is refused.

func oldColumns(cols, alias string) string {
	return strings.ReplaceAll(cols, alias+".", "OLD.")
}

func numbered(prefix string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return strings.Join(parts, ", ")
}

const (
	certFieldCount = 15
	caFieldCount   = 11
)

// sqliteTriggers remember changed rows on SQLite (pgschema.go has the
// PostgreSQL equivalent).
var sqliteTriggers = []string{
	`CREATE TEMP TRIGGER IF NOT EXISTS certdesk_certs_ins AFTER INSERT ON main.certs BEGIN
		INSERT OR IGNORE INTO dirty_certs (id, inserted) VALUES (NEW.id, 1); END`,
	`CREATE TEMP TRIGGER IF NOT EXISTS certdesk_certs_upd AFTER UPDATE ON main.certs BEGIN
		INSERT OR IGNORE INTO dirty_certs (id, inserted, ` + numbered("o", certFieldCount) + `) VALUES (OLD.id, 0, ` + oldColumns(certFieldColumns, "c") + `); END`,
	`CREATE TEMP TRIGGER IF NOT EXISTS certdesk_cas_ins AFTER INSERT ON main.cas BEGIN
		INSERT OR IGNORE INTO dirty_cas (id, inserted) VALUES (NEW.id, 1); END`,
	`CREATE TEMP TRIGGER IF NOT EXISTS certdesk_cas_upd AFTER UPDATE ON main.cas BEGIN
		INSERT OR IGNORE INTO dirty_cas (id, inserted, ` + numbered("o", caFieldCount) + `) VALUES (OLD.id, 0, ` + oldColumns(caFieldColumns, "a") + `); END`,
}

var dirtyReset = []string{`DELETE FROM dirty_certs`, `DELETE FROM dirty_cas`}

// trackChanges arms the change tracking on the transaction's connection.
func trackChanges(tx *sql.Tx, postgres bool) error {
	for _, q := range trackSetup(postgres) {
		if _, err := tx.Exec(q); err != nil {
			return fmt.Errorf("preparing the integrity checks: %w", err)
		}
	}
	return nil
}

// revDelta is a change to one CA's revocation set.
type revDelta struct {
	count int64
	d     digest
}

// reseal MACs every row changed in tx (see the comment at the top).
func (v *Vault) reseal(tx *sql.Tx, key []byte) error {
	deltas, err := v.resealCerts(tx, key)
	if err != nil {
		return err
	}
	if err := v.resealCAs(tx, key, deltas); err != nil {
		return err
	}
	for _, q := range dirtyReset {
		if _, err := tx.Exec(q); err != nil {
			return fmt.Errorf("finishing the integrity checks: %w", err)
		}
	}
	return nil
}

func (v *Vault) resealCerts(tx *sql.Tx, key []byte) (map[int64]*revDelta, error) {
	rows, err := tx.Query(`SELECT d.inserted, ` + certFieldColumns + ` FROM dirty_certs d JOIN main.certs c ON c.id = d.id ORDER BY d.id`)
	if err != nil {
		return nil, fmt.Errorf("reading changed certificates: %w", err)
	}
	type change struct {
		inserted bool
		cur      certFields
	}
	var changes []change
	for rows.Next() {
		var ch change
		if err := rows.Scan(append([]any{&ch.inserted}, ch.cur.targets()...)...); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading changed certificates: %w", err)
		}
		changes = append(changes, ch)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The old state is read back in a second query, typed, for the rows
	// that were updated rather than inserted.
	olds, err := oldCertStates(tx)
	if err != nil {
		return nil, err
	}
	deltas := map[int64]*revDelta{}
	toggle := func(f certFields, sign int64) {
		d := deltas[f.CAID]
		if d == nil {
			d = &revDelta{}
			deltas[f.CAID] = d
		}
		d.count += sign
		d.d.toggle(f.revElement(key))
	}
	for _, ch := range changes {
		if !ch.inserted {
			old := olds[ch.cur.ID]
			if err := old.verify(key); err != nil {
				return nil, err
			}
			if old.revoked() {
				toggle(old, -1)
			}
		}
		if ch.cur.revoked() {
			toggle(ch.cur, +1)
		}
		if m := ch.cur.mac(key); !hmac.Equal(m, ch.cur.MAC) {
			if _, err := tx.Exec(`UPDATE main.certs SET mac = ? WHERE id = ?`, m, ch.cur.ID); err != nil {
				return nil, fmt.Errorf("sealing certificate %d: %w", ch.cur.ID, err)
			}
		}
	}
	return deltas, nil
}

func oldCertStates(tx *sql.Tx) (map[int64]certFields, error) {
	olds, err := queryAll(context.Background(), tx, "reading changed certificates", scanFields[certFields], `SELECT `+numbered("o", certFieldCount)+` FROM dirty_certs WHERE inserted = 0`)
	out := map[int64]certFields{}
	for _, f := range olds {
		out[f.ID] = f
	}
	return out, err
}

func (v *Vault) resealCAs(tx *sql.Tx, key []byte, deltas map[int64]*revDelta) error {
	type state struct {
		inserted bool
		old      *caFields
	}
	states := map[int64]*state{}
	rows, err := tx.Query(`SELECT id, inserted FROM dirty_cas`)
	if err != nil {
		return fmt.Errorf("reading changed CAs: %w", err)
	}
	for rows.Next() {
		var id int64
		var ins bool
		if err := rows.Scan(&id, &ins); err != nil {
			rows.Close()
			return err
		}
		states[id] = &state{inserted: ins}
	}
	rows.Close()
	orows, err := tx.Query(`SELECT ` + numbered("o", caFieldCount) + ` FROM dirty_cas WHERE inserted = 0`)
	if err != nil {
		return fmt.Errorf("reading changed CAs: %w", err)
	}
	for orows.Next() {
		var f caFields
		if err := orows.Scan(f.targets()...); err != nil {
			orows.Close()
			return err
		}
		states[f.ID].old = &f
	}
	orows.Close()
	for id := range deltas {
		if id != 0 && states[id] == nil {
			states[id] = &state{}
		}
	}
	for id, st := range states {
		var cur caFields
		err := tx.QueryRow(`SELECT `+caFieldColumns+` FROM main.cas a WHERE a.id = ?`, id).Scan(cur.targets()...)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return fmt.Errorf("reading CA %d: %w", id, err)
		}
		switch {
		case st.old != nil:
			if err := st.old.verify(key); err != nil {
				return err
			}
		case !st.inserted:
			if err := cur.verify(key); err != nil {
				return err
			}
		}
		if d := deltas[id]; d != nil {
			acc := parseDigest(cur.RevDigest)
			acc.toggle(d.d[:])
			cur.RevCount += d.count
			cur.RevDigest = acc.String()
		} else if cur.RevDigest == "" {
			cur.RevDigest = digest{}.String()
		}
		if _, err := tx.Exec(`UPDATE main.cas SET rev_count = ?, rev_digest = ?, mac = ? WHERE id = ?`,
			cur.RevCount, cur.RevDigest, cur.mac(key), id); err != nil {
			return fmt.Errorf("sealing CA %q: %w", cur.Name, err)
		}
	}
	return nil
}

// sealAll computes every MAC, digest and audit link from scratch under key:
// for a vault made before schema 3 (on its first unlock) and after rekey.
func (v *Vault) sealAll(ctx context.Context, tx *sql.Tx, key []byte) error {
	certs, err := allCertFields(ctx, tx)
	if err != nil {
		return err
	}
	deltas := map[int64]*revDelta{}
	for _, f := range certs {
		if _, err := tx.ExecContext(ctx, `UPDATE certs SET mac = ? WHERE id = ?`, f.mac(key), f.ID); err != nil {
			return fmt.Errorf("sealing certificate %d: %w", f.ID, err)
		}
		if f.revoked() {
			d := deltas[f.CAID]
			if d == nil {
				d = &revDelta{}
				deltas[f.CAID] = d
			}
			d.count++
			d.d.toggle(f.revElement(key))
		}
	}
	cas, err := allCAFields(ctx, tx)
	if err != nil {
		return err
	}
	for _, f := range cas {
		f.RevCount, f.RevDigest = 0, digest{}.String()
		if d := deltas[f.ID]; d != nil {
			f.RevCount, f.RevDigest = d.count, d.d.String()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cas SET rev_count = ?, rev_digest = ?, mac = ? WHERE id = ?`,
			f.RevCount, f.RevDigest, f.mac(key), f.ID); err != nil {
			return fmt.Errorf("sealing CA %q: %w", f.Name, err)
		}
	}
	if err := sealAllDenials(ctx, tx, key); err != nil {
		return err
	}
	return chainAllAudit(ctx, tx, key)
}

func allCertFields(ctx context.Context, tx *sql.Tx) ([]certFields, error) {
	return queryAll(ctx, tx, "reading certificates", scanFields[certFields], `SELECT `+certFieldColumns+` FROM certs c ORDER BY c.id`)
}

func allCAFields(ctx context.Context, q queryer) ([]caFields, error) {
	return queryAll(ctx, q, "reading CAs", scanFields[caFields], `SELECT `+caFieldColumns+` FROM cas a ORDER BY a.id`)
}

// queryer is a *sql.DB or *sql.Tx.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
