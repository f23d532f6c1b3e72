package vault

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Row versions. A face shows a row (a certificate, a CA, a profile) and
// acts on it later; by then another admin, window or process may have
// changed it. Each such row carries a version, handed out with it
// (Record.Version, CA.Version, ProfileRow.Version, Denial.Version), and each edit takes
// the version its caller saw: when the row changed since, the edit is
// refused with a *ConflictError instead of applied to a state nobody
// looked at (0 acts on the current state, as a one-step command does).
//
// A version is the id of the audit entry of the change that last wrote
// the row (1 for a row never changed since schema 5). Audit ids only
// grow, so a version never comes back, even for a profile removed and
// made again under the same name, and the entry it names says who made
// the change, when, and what it was. Versions are not covered by the
// rows' MACs: they decide nothing about trust, and someone who alters
// one outside Certdesk can at worst make an edit be refused, or let one
// through as it would have gone before versions existed.
//
// The check and the edit run in the same write transaction, which holds
// the vault's write lock (SQLite's immediate transaction, PostgreSQL's
// advisory lock, pgdriver.go): of two admins editing one row from the
// same version, the second finds the first's version and is refused.

// versionSchema is the migration to schema 5.
const versionSchema = `
ALTER TABLE certs ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE cas ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE profiles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE denied_fingerprints ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
`

// ErrConflict is matched by every *ConflictError.
var ErrConflict = errors.New("changed by someone else since it was shown")

// ConflictError refuses an edit of a row that changed since its caller
// saw it. errors.Is(err, ErrConflict) holds for it.
type ConflictError struct {
	What   string    // the row, for example `certificate 12 ("Alice", serial 0A1B)`
	Seen   int64     // the version the caller saw
	Now    int64     // the row's version now; 0 when it was removed
	By     string    // who made the change, from the audit trail ("" if unknown)
	At     time.Time // when
	Change string    // what the change was, as the audit trail says it
}

// neverHeld reports whether the row, still there, never had the version
// the caller gave (a typo, a negative number): nothing came between.
func (e *ConflictError) neverHeld() bool { return e.Now != 0 && (e.Seen > e.Now || e.Seen < 0) }

func (e *ConflictError) Error() string {
	if e.neverHeld() {
		return fmt.Sprintf("%s is at version %d and never was at version %d: nothing was done; look it up again (show gives its version)", e.What, e.Now, e.Seen)
	}
	var b strings.Builder
	b.WriteString(e.What)
	if e.Now == 0 {
		b.WriteString(" was removed since you looked at it")
	} else {
		b.WriteString(" was changed since you looked at it")
	}
	if e.By != "" {
		fmt.Fprintf(&b, ", by %s on %s (%s)", e.By, e.At.Format("2006-01-02 15:04:05 MST"), e.Change)
	}
	b.WriteString(": nothing was done; look at it again, and repeat if it is still wanted")
	return b.String()
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// versioned names one versioned row.
type versioned struct {
	what  string // for the sentence
	table string // certs, cas, profiles or denied_fingerprints
	key   string // its key column
	arg   any    // the key's value
	// removal is the audit action and detail of the change that removes
	// such a row; empty for rows that are never removed.
	removal [2]string
}

func certRow(r Record) versioned {
	return versioned{what: fmt.Sprintf("certificate %d (%q, serial %s)", r.ID, r.CommonName, r.Serial), table: "certs", key: "id", arg: r.ID}
}

func certIDRow(id int64) versioned {
	return versioned{what: fmt.Sprintf("certificate %d", id), table: "certs", key: "id", arg: id}
}

func caSettingsRow(ca CA) versioned {
	return versioned{what: fmt.Sprintf("CA %q", ca.Name), table: "cas", key: "id", arg: ca.ID}
}

func profileRow(name string) versioned {
	return versioned{what: fmt.Sprintf("the profile %q", name), table: "profiles", key: "name", arg: name,
		removal: [2]string{"profile.remove", profileDetail(name)}}
}

func denialRow(fp string) versioned {
	return versioned{what: "the deny-list entry " + fp, table: "denied_fingerprints", key: "fingerprint_sha256", arg: fp,
		removal: [2]string{"fingerprint.allow", allowDetail(fp)}}
}

// unchanged refuses an edit of r by someone who saw version seen when r
// changed since (seen 0: any state will do). It runs inside the edit's
// write transaction.
func unchanged(tx *sql.Tx, r versioned, seen int64) error {
	if seen == 0 {
		return nil
	}
	var now int64
	err := tx.QueryRow(`SELECT version FROM `+r.table+` WHERE `+r.key+` = ?`, r.arg).Scan(&now)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return conflict(tx, r, seen, 0)
	case err != nil:
		return fmt.Errorf("reading the version of %s: %w", r.what, err)
	case now == seen:
		return nil
	}
	return conflict(tx, r, seen, now)
}

// conflict describes the change that came between, from the audit trail.
func conflict(tx *sql.Tx, r versioned, seen, now int64) error {
	e := &ConflictError{What: r.what, Seen: seen, Now: now}
	if e.neverHeld() || now == 1 { // version 1: not changed since made or migrated, no entry of its own
		return e
	}
	q, args := `SELECT actor, at, detail FROM audit WHERE id = ?`, []any{now}
	if now == 0 {
		q, args = `SELECT actor, at, detail FROM audit WHERE action = ? AND detail = ? ORDER BY id DESC LIMIT 1`, []any{r.removal[0], r.removal[1]}
	}
	var at int64
	if err := tx.QueryRow(q, args...).Scan(&e.By, &at, &e.Change); err == nil {
		e.At = time.Unix(at, 0).UTC()
	}
	return e
}

// touch gives r the version of the change being made: the id of the
// audit entry the edit writes next, in the same transaction.
func (v *Vault) touch(tx *sql.Tx, r versioned) error {
	change, err := v.nextChange(tx)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(`UPDATE `+r.table+` SET version = ? WHERE `+r.key+` = ?`, change, r.arg); err != nil {
		return fmt.Errorf("recording the change of %s: %w", r.what, err)
	}
	return nil
}

// edit checks that r is as its caller saw it and gives it the version of
// this change: the start of every versioned edit.
func (v *Vault) edit(tx *sql.Tx, r versioned, seen int64) error {
	if err := unchanged(tx, r, seen); err != nil {
		return err
	}
	return v.touch(tx, r)
}

// nextChange is the id the next audit entry of tx gets.
func (v *Vault) nextChange(tx *sql.Tx) (int64, error) {
	key := v.macKeyOrNil()
	if key == nil {
		return 0, ErrLocked
	}
	head, err := readAuditHead(tx, key)
	return head.ID + 1, err
}
