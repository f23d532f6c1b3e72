// Package vault keeps CAs, certificates, their encrypted private keys,
// revocations, CRL numbers and an audit trail in one SQLite file.
//
// Certificates and their display fields are stored in the clear so that
// lists and searches need no passphrase and no parsing; private keys are
// sealed with AES-256-GCM under a random vault key, which is itself sealed
// under a key stretched from the passphrase with scrypt once per unlock.
package vault

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver keeps certctl cgo-free
)

// Vault is an open vault file. It is safe for use by several goroutines.
type Vault struct {
	db   *sql.DB
	path string

	mu       sync.RWMutex
	vaultKey []byte // nil while locked
	insecure bool

	// Actor names who makes changes, for the audit trail.
	Actor string
	// Now gives the current time; tests replace it.
	Now func() time.Time
}

// DefaultPath is the vault used when none is named: vault.db in the user's
// configuration folder (~/.config/certdesk on Linux).
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the configuration folder: %w", err)
	}
	return filepath.Join(dir, "certdesk", "vault.db"), nil
}

// DefaultActor names the current user and program for the audit trail.
func DefaultActor(program string) string {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s@%s (%s)", name, host, program)
}

// CreateOptions tune a new vault.
type CreateOptions struct {
	// Insecure makes a vault without a passphrase, for throwaway demos.
	Insecure bool
}

// Create makes a new vault at path, protected by passphrase, and returns it
// unlocked. It refuses to touch an existing file. The folder is made 0700
// and the file 0600.
func Create(path string, passphrase []byte, opts CreateOptions) (*Vault, error) {
	if !opts.Insecure && len(passphrase) == 0 {
		return nil, errors.New("a passphrase is needed (or choose an insecure demo vault explicitly)")
	}
	if opts.Insecure {
		passphrase = nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the vault folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("%s already exists: open it, or choose another path", path)
		}
		return nil, fmt.Errorf("creating the vault file: %w", err)
	}
	f.Close()
	v, err := openDB(path)
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	if err := v.initialise(passphrase, opts); err != nil {
		v.Close()
		os.Remove(path)
		return nil, err
	}
	return v, nil
}

func (v *Vault) initialise(passphrase []byte, opts CreateOptions) error {
	if err := migrate(context.Background(), v.db, 0); err != nil {
		return err
	}
	return v.initialiseKeyring(passphrase, opts)
}

// initialiseKeyring draws the vault key and seals it under the passphrase.
func (v *Vault) initialiseKeyring(passphrase []byte, opts CreateOptions) error {
	ctx := context.Background()
	params, err := newKDFParams(opts.Insecure)
	if err != nil {
		return err
	}
	kek, err := params.derive(passphrase)
	if err != nil {
		return err
	}
	vaultKey := make([]byte, 32)
	if _, err := rand.Read(vaultKey); err != nil {
		return fmt.Errorf("drawing the vault key: %w", err)
	}
	wrapped, err := seal(kek, vaultKey, vaultKeyAAD)
	if err != nil {
		return err
	}
	m := params.meta()
	m["vault_key"] = encodeB64(wrapped)
	m["created_at"] = v.now().UTC().Format(time.RFC3339)
	return v.write(ctx, func(tx *sql.Tx) error {
		for k, val := range m {
			if _, err := tx.Exec(`INSERT INTO meta (name, value) VALUES (?, ?)`, k, val); err != nil {
				return fmt.Errorf("writing vault settings: %w", err)
			}
		}
		v.vaultKey, v.insecure = vaultKey, opts.Insecure
		return v.audit(tx, "vault.create", 0, 0, map[bool]string{true: "insecure demo vault, no passphrase", false: "passphrase-protected"}[opts.Insecure])
	})
}

// Open opens an existing vault, locked: certificates can be read, but
// nothing that needs a private key or changes the vault works until Unlock.
func Open(path string) (*Vault, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s does not exist; create one with `certctl init`", ErrNoVault, path)
		}
		return nil, fmt.Errorf("opening the vault: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a folder, not a vault file", path)
	}
	if st.Size() == 0 {
		return nil, fmt.Errorf("%s is empty: it is not a Certdesk vault (was its creation interrupted? remove it and run `certctl init`)", path)
	}
	v, err := openDB(path)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	version, err := schemaVersion(ctx, v.db)
	if err == nil && version == 0 {
		err = fmt.Errorf("%s is an SQLite file but not a Certdesk vault", path)
	}
	if err == nil {
		err = migrate(ctx, v.db, version)
	}
	if err != nil {
		v.Close()
		return nil, err
	}
	m, err := v.meta(ctx)
	if err != nil {
		v.Close()
		return nil, err
	}
	v.insecure = m["insecure"] == "1"
	return v, nil
}

// OpenUnlocked opens the vault and unlocks it in one step.
func OpenUnlocked(path string, passphrase []byte) (*Vault, error) {
	v, err := Open(path)
	if err != nil {
		return nil, err
	}
	if err := v.Unlock(passphrase); err != nil {
		v.Close()
		return nil, err
	}
	return v, nil
}

func openDB(path string) (*Vault, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(15000)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "journal_mode(DELETE)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("opening the vault file: %w", err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening the vault file %s (is it a Certdesk vault?): %w", path, err)
	}
	return &Vault{db: db, path: path, Actor: DefaultActor("certdesk"), Now: time.Now}, nil
}

// Insecure reports whether the vault was made without a passphrase.
func (v *Vault) Insecure() bool { return v.insecure }

// Path is the vault file's location.
func (v *Vault) Path() string { return v.path }

// Unlock checks the passphrase and unlocks the private keys. A wrong
// passphrase returns ErrWrongPassphrase and changes nothing.
func (v *Vault) Unlock(passphrase []byte) error {
	m, err := v.meta(context.Background())
	if err != nil {
		return err
	}
	params, err := kdfFromMeta(m)
	if err != nil {
		return err
	}
	if params.Insecure {
		passphrase = nil
	}
	wrapped, err := decodeB64(m["vault_key"])
	if err != nil {
		return errors.New("the vault's sealed key is damaged")
	}
	kek, err := params.derive(passphrase)
	if err != nil {
		return err
	}
	key, err := open(kek, wrapped, vaultKeyAAD)
	if err != nil {
		return ErrWrongPassphrase
	}
	v.mu.Lock()
	v.vaultKey = key
	v.mu.Unlock()
	return nil
}

// Unlocked reports whether private keys can be used.
func (v *Vault) Unlocked() bool {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.vaultKey != nil
}

// Lock forgets the vault key.
func (v *Vault) Lock() {
	v.mu.Lock()
	clear(v.vaultKey)
	v.vaultKey = nil
	v.mu.Unlock()
}

// Close locks the vault and closes the file.
func (v *Vault) Close() error {
	v.Lock()
	return v.db.Close()
}

func (v *Vault) now() time.Time {
	if v.Now == nil {
		return time.Now()
	}
	return v.Now()
}

func (v *Vault) key() ([]byte, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.vaultKey == nil {
		return nil, ErrLocked
	}
	return v.vaultKey, nil
}

func (v *Vault) meta(ctx context.Context) (map[string]string, error) {
	rows, err := v.db.QueryContext(ctx, `SELECT name, value FROM meta`)
	if err != nil {
		return nil, fmt.Errorf("reading vault settings: %w", err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, val string
		if err := rows.Scan(&k, &val); err != nil {
			return nil, fmt.Errorf("reading vault settings: %w", err)
		}
		m[k] = val
	}
	return m, rows.Err()
}

// write runs fn in one immediate transaction: all of it lands, or none.
func (v *Vault) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := v.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("starting a vault transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("saving to the vault: %w", err)
	}
	return nil
}
