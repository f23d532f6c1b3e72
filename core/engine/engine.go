package engine

import (
	"time"

	"certdesk/core/vault"
)

// Engine runs Certdesk's workflows on one open vault. It is safe for use
// by several goroutines at once.
type Engine struct {
	store Store
}

// New runs the workflows on a store (a vault opened by other means, or
// another backend).
func New(s Store) *Engine { return &Engine{store: s} }

// Open opens the vault at path, locked: it can list and show, not sign.
func Open(path string) (*Engine, error) {
	v, err := vault.Open(path)
	if err != nil {
		return nil, err
	}
	return &Engine{store: v}, nil
}

// OpenUnlocked opens the vault at path and unlocks it with passphrase.
func OpenUnlocked(path string, passphrase []byte) (*Engine, error) {
	v, err := vault.OpenUnlocked(path, passphrase)
	if err != nil {
		return nil, err
	}
	return &Engine{store: v}, nil
}

// Create makes a new vault at path, unlocked.
func Create(path string, passphrase []byte, opts CreateOptions) (*Engine, error) {
	v, err := vault.Create(path, passphrase, opts)
	if err != nil {
		return nil, err
	}
	return &Engine{store: v}, nil
}

// Close locks the vault and closes it.
func (e *Engine) Close() error { return e.store.Close() }

// Unlock opens the vault key with the passphrase.
func (e *Engine) Unlock(passphrase []byte) error { return e.store.Unlock(passphrase) }

// Lock forgets the vault key.
func (e *Engine) Lock() { e.store.Lock() }

// Unlocked reports whether the vault can sign and hand out keys.
func (e *Engine) Unlocked() bool { return e.store.Unlocked() }

// Insecure reports whether the vault has no passphrase (a demo vault).
func (e *Engine) Insecure() bool { return e.store.Insecure() }

// Path is the vault's file.
func (e *Engine) Path() string { return e.store.Path() }

// SetActor names who makes the changes, for the audit trail.
func (e *Engine) SetActor(actor string) { e.store.SetActor(actor) }

// SetClock replaces the current time, for tests and demos of expiry.
func (e *Engine) SetClock(now func() time.Time) { e.store.SetClock(now) }

// Now is the engine's current time.
func (e *Engine) Now() time.Time { return e.store.CurrentTime() }
