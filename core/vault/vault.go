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
	"crypto/ecdh"
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
	dsn  string // a team vault's address, for its listener (notify.go)

	mu       sync.RWMutex
	vaultKey []byte // nil while locked
	macKey   []byte // derived from vaultKey: the integrity key (integrity.go)
	insecure bool
	admin    string // a team vault's connected admin and role (admins.go)
	role     string
	adminKey *ecdh.PrivateKey

	health   health   // damage found on open or before the first write
	warnings []string // about where the vault lives (place.go)

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
// unlocked. It refuses to touch an existing file, and a passphrase that
// CheckPassphrase calls weak (unless opts.Insecure). The folder is made
// 0700 and the file 0600.
func Create(path string, passphrase []byte, opts CreateOptions) (*Vault, error) {
	if IsURL(path) {
		return createOnServer(path, passphrase, opts)
	}
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("%s already exists: open it, or choose another path", path)
	}
	passphrase, err := newPassphrase(passphrase, opts)
	if err != nil {
		return nil, err
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

// newPassphrase checks a new vault's passphrase against the policy; an
// insecure demo vault has none.
func newPassphrase(passphrase []byte, opts CreateOptions) ([]byte, error) {
	if opts.Insecure {
		return nil, nil
	}
	if len(passphrase) == 0 {
		return nil, errors.New("a passphrase is needed (or choose an insecure demo vault explicitly)")
	}
	return passphrase, CheckPassphrase(passphrase)
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
	m, err := wrappedKeyMeta(params, kek, vaultKey)
	if err != nil {
		return err
	}
	m["created_at"] = v.now().UTC().Format(time.RFC3339)
	if err := v.setKeys(vaultKey); err != nil {
		return err
	}
	v.insecure = opts.Insecure
	return v.write(ctx, func(tx *sql.Tx) error {
		for k, val := range m {
			if err := setMeta(tx, k, val); err != nil {
				return err
			}
		}
		return v.audit(tx, "vault.create", 0, 0, map[bool]string{true: "insecure demo vault, no passphrase", false: "passphrase-protected"}[opts.Insecure])
	})
}

// wrappedKeyMeta seals the vault key under kek and returns the meta rows
// that hold it: the KDF settings, the sealed key and its checksum.
func wrappedKeyMeta(params kdfParams, kek, vaultKey []byte) (map[string]string, error) {
	wrapped, err := seal(kek, vaultKey, vaultKeyAADSealed)
	if err != nil {
		return nil, err
	}
	m := params.meta()
	m["vault_key"] = encodeB64(wrapped)
	m["vault_key_check"] = keyCheck(params, wrapped)
	return m, nil
}

// setKeys installs an unsealed vault key and its integrity key.
func (v *Vault) setKeys(vaultKey []byte) error {
	mk, err := deriveMACKey(vaultKey)
	if err != nil {
		return err
	}
	v.mu.Lock()
	v.vaultKey, v.macKey = vaultKey, mk
	v.mu.Unlock()
	return nil
}

// Open opens an existing vault, locked: certificates can be read, but
// nothing that needs a private key or changes the vault works until Unlock.
func Open(path string) (*Vault, error) {
	if IsURL(path) {
		return openOnServer(path)
	}
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
	v.warnings = placeWarnings(path)
	v.health.noteHeader(path, st.Size())
	if err := v.openSchema(fmt.Errorf("%s is an SQLite file but not a Certdesk vault", path)); err != nil {
		v.Close()
		return nil, err
	}
	return v, nil
}

// openSchema checks the schema version, brings an older schema up to date
// (never a damaged one, never a newer one) and reads the settings; notVault
// is the error for a database that holds no vault.
func (v *Vault) openSchema(notVault error) error {
	ctx := context.Background()
	version, err := schemaVersion(ctx, v.db)
	if err == nil && version == 0 {
		err = notVault
	}
	if err == nil && version < SchemaVersion {
		err = v.health.err() // never migrate a damaged file
	}
	if err == nil && version != SchemaVersion {
		err = migrate(ctx, v.db, version)
	}
	if err != nil {
		return err
	}
	m, err := v.meta(ctx)
	if err != nil {
		return err
	}
	v.insecure = m["insecure"] == "1"
	return nil
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
		if isCorrupt(err) {
			return nil, fmt.Errorf("%w: SQLite cannot read %s (%v); restore a backup", ErrDamaged, path, err)
		}
		return nil, fmt.Errorf("opening the vault file %s (is it a Certdesk vault?): %w", path, err)
	}
	return newVaultOn(db, path), nil
}

func newVaultOn(db *sql.DB, where string) *Vault {
	return &Vault{db: db, path: where, Actor: DefaultActor("certdesk"), Now: time.Now}
}

// Insecure reports whether the vault was made without a passphrase.
func (v *Vault) Insecure() bool { return v.insecure }

// Path is the vault file's location.
func (v *Vault) Path() string { return v.path }

// Unlock checks the passphrase and unlocks the private keys. A wrong
// passphrase returns ErrWrongPassphrase and changes nothing; damaged key
// material returns ErrDamaged; a passphrase given to an insecure vault
// returns ErrNoPassphraseVault. The first unlock of a vault made before
// schema 3 computes every record's MAC (one transaction).
func (v *Vault) Unlock(passphrase []byte) error {
	ctx := context.Background()
	if v.onServer() {
		return v.unlockSlot(ctx, passphrase)
	}
	m, err := v.meta(ctx)
	if err != nil {
		return err
	}
	if m["vault_key"] == "" && m["team_slot"] != "" {
		return v.unlockTeamSlot(m["team_slot"], passphrase)
	}
	params, err := kdfFromMeta(m)
	if err != nil {
		return err
	}
	if params.Insecure {
		if len(passphrase) > 0 {
			return errPassphraseForInsecure
		}
		passphrase = nil
	}
	wrapped, err := decodeB64(m["vault_key"])
	if err != nil || len(wrapped) == 0 {
		return fmt.Errorf("%w: the vault's sealed key is unreadable", ErrDamaged)
	}
	if chk, ok := m["vault_key_check"]; ok && chk != keyCheck(params, wrapped) {
		return fmt.Errorf("%w: the vault's sealed key or its key-derivation settings were corrupted (their checksum does not match); restore a backup", ErrDamaged)
	}
	kek, err := params.derive(passphrase)
	if err != nil {
		return err
	}
	sealed := true
	key, err := open(kek, wrapped, vaultKeyAADSealed)
	if err != nil {
		sealed = false
		if key, err = open(kek, wrapped, vaultKeyAAD); err != nil {
			return ErrWrongPassphrase
		}
	}
	if err := v.setKeys(key); err != nil {
		return err
	}
	if !sealed {
		if err := v.sealLegacy(ctx, params, kek, key); err != nil {
			v.Lock()
			return fmt.Errorf("adding integrity checks to this vault made by an older Certdesk: %w", err)
		}
	}
	return nil
}

// sealLegacy gives a vault made before schema 3 its MACs and re-wraps its
// key as sealed, in one transaction.
func (v *Vault) sealLegacy(ctx context.Context, params kdfParams, kek, vaultKey []byte) error {
	if err := v.writable(ctx); err != nil {
		return err
	}
	m, err := wrappedKeyMeta(params, kek, vaultKey)
	if err != nil {
		return err
	}
	tx, err := v.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("starting a vault transaction: %w", err)
	}
	defer tx.Rollback()
	if err := v.sealAll(ctx, tx, v.macKeyOrNil()); err != nil {
		return err
	}
	for k, val := range m {
		if err := setMeta(tx, k, val); err != nil {
			return err
		}
	}
	if err := v.audit(tx, "vault.seal", 0, 0, "integrity checks added: every record now carries a MAC"); err != nil {
		return err
	}
	return tx.Commit()
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
	clear(v.macKey)
	v.vaultKey, v.macKey, v.adminKey = nil, nil, nil
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
	if v.vaultKey == nil && v.role == RoleAuditor {
		return nil, fmt.Errorf("%w: %s is an auditor in this team vault: auditors check and read, and are never given the vault's key", ErrForbidden, v.admin)
	}
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
// It refuses a damaged vault and a locked one, and reseals every record fn
// changed before committing (seal.go).
func (v *Vault) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	key := v.macKeyOrNil()
	if key == nil {
		return ErrLocked
	}
	if err := v.writable(ctx); err != nil {
		return err
	}
	tx, err := v.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("starting a vault transaction: %w", err)
	}
	if err := trackChanges(tx, v.onServer()); err != nil {
		tx.Rollback()
		return err
	}
	if err := v.checkEpoch(ctx, tx); err != nil {
		tx.Rollback()
		return err
	}
	key = v.macKeyOrNil() // the key may have followed a rotation
	if err := fn(tx); err != nil {
		tx.Rollback()
		return v.forbidden(err)
	}
	if err := v.reseal(tx, key); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("saving to the vault: %w", err)
	}
	return nil
}

var errPassphraseForInsecure = fmt.Errorf("%w: it was made as an insecure demo vault, so a passphrase protects nothing here; drop the passphrase, or make a protected vault with `certctl init` and move the CAs over", ErrNoPassphraseVault)
