package vault

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors callers can test for with errors.Is.
var (
	ErrWrongPassphrase = errors.New("the passphrase is wrong")
	ErrLocked          = errors.New("the vault is locked: unlock it with its passphrase first")
	ErrNotFound        = errors.New("not found")
	ErrAmbiguous       = errors.New("more than one certificate matches")
	ErrExists          = errors.New("already exists")
	ErrNewerSchema     = errors.New("the vault was written by a newer Certdesk")
	ErrNoVault         = errors.New("no vault there")
	ErrNoSlot          = errors.New("you have no slot in this team vault")

	// ErrTampered is matched by every *IntegrityError: a record no longer
	// matches its fingerprint, its MAC or the audit chain.
	ErrTampered = errors.New("the vault was altered outside Certdesk")
	// ErrDamaged means the file or the key material in it is corrupt (as
	// opposed to a wrong passphrase or a deliberate change).
	ErrDamaged = errors.New("the vault is damaged")
	// ErrWeakPassphrase is returned by CheckPassphrase (and so by Create and
	// ChangePassphrase) for a passphrase that is too easy to guess.
	ErrWeakPassphrase = errors.New("the passphrase is too easy to guess")
	// ErrNoPassphraseVault is returned when a passphrase is given to an
	// insecure vault, which has none: the user expected protection it lacks.
	ErrNoPassphraseVault = errors.New("this vault has no passphrase")
)

// IntegrityError says which record failed its integrity check and how.
// errors.Is(err, ErrTampered) holds for it.
type IntegrityError struct {
	Record  string // for example `the certificate of CA "Acme"` or "audit entry 17"
	Problem string // what does not match
}

func (e *IntegrityError) Error() string {
	return fmt.Sprintf("%s was altered outside Certdesk (%s): do not trust this vault; restore a backup you trust, or run `certctl check` for every problem", e.Record, e.Problem)
}

// Is makes errors.Is(err, ErrTampered) true.
func (e *IntegrityError) Is(target error) bool { return target == ErrTampered }

func tampered(record, problem string, args ...any) error {
	return &IntegrityError{Record: record, Problem: fmt.Sprintf(problem, args...)}
}

// isUniqueViolation reports whether err is a UNIQUE or PRIMARY KEY
// constraint failure, by SQLite's extended result code or PostgreSQL's
// SQLSTATE (23505).
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return true
	}
	return false
}

// isCorrupt reports whether err is SQLite saying the file is corrupt or not
// a database at all.
func isCorrupt(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return true
	}
	return false
}
