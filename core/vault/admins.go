package vault

import (
	"context"
	"crypto/ecdh"
	"crypto/hmac"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Admins of a team vault. Each connects as their own database role (its
// name is the admin's name) and unlocks with their own passphrase through
// their slot (slot.go); the database enforces what their role may do
// (teamschema.go).

// Admin is one admin of a team vault.
type Admin struct {
	Name  string    `json:"name"`
	Role  string    `json:"role"`
	Added time.Time `json:"added"`
}

// ErrNotTeamVault is returned by the admin operations on a vault file.
var ErrNotTeamVault = errors.New("admins exist only in a team vault (postgres://…); a vault file has one passphrase")

var adminName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

func checkAdmin(name, role string) error {
	if !adminName.MatchString(name) {
		return fmt.Errorf("%q is not a usable admin name: use lower-case letters, digits and _ (it is also the database role)", name)
	}
	switch role {
	case RoleOwner, RoleIssuer, RoleAuditor:
		return nil
	}
	return fmt.Errorf("unknown role %q: use owner, issuer or auditor", role)
}

// Admins lists the admins (an owner sees all; others see themselves).
func (v *Vault) Admins(ctx context.Context) ([]Admin, error) {
	if !v.onServer() {
		return nil, ErrNotTeamVault
	}
	return queryAll(ctx, v.db, "reading the admins", func(s scanner) (Admin, error) {
		var a Admin
		var at int64
		err := s.Scan(&a.Name, &a.Role, &at)
		a.Added = time.Unix(at, 0).UTC()
		return a, err
	}, `SELECT name, role, created_at FROM admins ORDER BY name`)
}

// AddAdmin makes name an admin with role and a slot opened by passphrase.
// It creates the database role name (LOGIN, no password: set one, or use
// the server's authentication) when it does not exist yet, which needs
// CREATEROLE, and grants it the role's rights. Only an owner can.
func (v *Vault) AddAdmin(ctx context.Context, name, role string, passphrase []byte) error {
	if !v.onServer() {
		return ErrNotTeamVault
	}
	if err := checkAdmin(name, role); err != nil {
		return err
	}
	if !v.insecure {
		if err := CheckPassphrase(passphrase); err != nil {
			return err
		}
	}
	keys, err := newSlotKeys(passphrase, v.insecure)
	if err != nil {
		return err
	}
	return v.write(ctx, func(tx *sql.Tx) error {
		if err := ensureRole(ctx, tx, name, role); err != nil {
			return err
		}
		if err := v.insertAdmin(ctx, tx, name, role, keys); err != nil {
			return err
		}
		return v.audit(tx, "admin.add", 0, 0, fmt.Sprintf("admin %q, role %s", name, role))
	})
}

// ensureRole creates the login role when missing and grants it the group.
func ensureRole(ctx context.Context, tx *sql.Tx, name, role string) error {
	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = ?)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("looking up the database role %s: %w", name, err)
	}
	id := pgx.Identifier{name}.Sanitize()
	if !exists {
		if _, err := tx.ExecContext(ctx, "CREATE ROLE "+id+" LOGIN"); err != nil {
			return fmt.Errorf("creating the database role %s (you need CREATEROLE, or ask the database's administrator to create it): %w", name, err)
		}
	}
	var db string
	if err := tx.QueryRowContext(ctx, `SELECT current_database()`).Scan(&db); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "GRANT "+groupRole(db, role)+" TO "+id); err != nil {
		return fmt.Errorf("granting %s the %s role (only an owner can): %w", name, role, err)
	}
	return nil
}

// slotSecret is what a role's slot holds: the vault key, or for an
// auditor only the integrity key.
func (v *Vault) slotSecret(role string) ([]byte, error) {
	if role == RoleAuditor {
		if k := v.macKeyOrNil(); k != nil {
			return k, nil
		}
		return nil, ErrLocked
	}
	return v.key()
}

func (v *Vault) insertAdmin(ctx context.Context, tx *sql.Tx, name, role string, keys slotKeys) error {
	secret, err := v.slotSecret(role)
	if err != nil {
		return err
	}
	slot, err := sealTo(keys.Public, secret, name+" "+role)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO admins (name, role, public_key, private_key, kdf, slot, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		name, role, keys.Public, keys.PrivSealed, encodeKDF(keys.KDF), slot, v.now().UTC().Unix())
	if isUniqueViolation(err) {
		return fmt.Errorf("%w: %s is already an admin; remove them first to change their role", ErrExists, name)
	}
	if err != nil {
		return fmt.Errorf("storing the admin %s (only an owner can): %w", name, err)
	}
	return nil
}

// RemoveAdmin takes name's rights and slot away and rotates the vault key:
// every private key is re-sealed and every remaining slot rewritten, in one
// transaction, so the removed slot (or a copy of it) opens nothing. The
// last owner cannot be removed.
func (v *Vault) RemoveAdmin(ctx context.Context, name string) (int, error) {
	if !v.onServer() {
		return 0, ErrNotTeamVault
	}
	before := func(tx *sql.Tx) error { return removeAdminRow(ctx, tx, name) }
	return v.rotate(ctx, before, v.rewrapSlots(ctx), "admin.remove", fmt.Sprintf("admin %q removed, new vault key", name))
}

func (v *Vault) rekeyTeam(ctx context.Context) (int, error) {
	return v.rotate(ctx, nil, v.rewrapSlots(ctx), "vault.rekey", "new vault key")
}

func removeAdminRow(ctx context.Context, tx *sql.Tx, name string) error {
	var role string
	err := tx.QueryRowContext(ctx, `DELETE FROM admins WHERE name = ? RETURNING role`, name).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %s is not an admin of this vault (or you are not an owner)", ErrNotFound, name)
	}
	if err != nil {
		return fmt.Errorf("removing the admin %s (only an owner can): %w", name, err)
	}
	var owners int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM admins WHERE role = 'owner'`).Scan(&owners); err != nil {
		return err
	}
	if owners == 0 {
		return fmt.Errorf("%s is the last owner: add another owner first", name)
	}
	var db string
	if err := tx.QueryRowContext(ctx, `SELECT current_database()`).Scan(&db); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "REVOKE "+groupRole(db, role)+" FROM "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("revoking %s's rights: %w", name, err)
	}
	return nil
}

// rewrapSlots writes every admin's slot for the new vault key.
func (v *Vault) rewrapSlots(ctx context.Context) func(tx *sql.Tx, newKey []byte) error {
	return func(tx *sql.Tx, newKey []byte) error {
		mk, err := deriveMACKey(newKey)
		if err != nil {
			return err
		}
		type admin struct {
			name, role string
			pub        []byte
		}
		all, err := queryAll(ctx, tx, "reading the admins", func(s scanner) (admin, error) {
			var a admin
			err := s.Scan(&a.name, &a.role, &a.pub)
			return a, err
		}, `SELECT name, role, public_key FROM admins ORDER BY name`)
		if err != nil {
			return err
		}
		for _, a := range all {
			secret := newKey
			if a.role == RoleAuditor {
				secret = mk
			}
			slot, err := sealTo(a.pub, secret, a.name+" "+a.role)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE admins SET slot = ? WHERE name = ?`, slot, a.name); err != nil {
				return fmt.Errorf("rewriting %s's slot: %w", a.name, err)
			}
		}
		return nil
	}
}

// unlockSlot opens the connected admin's slot with their passphrase.
func (v *Vault) unlockSlot(ctx context.Context, passphrase []byte) error {
	var me, role, kdf string
	var keys slotKeys
	var slot []byte
	err := v.db.QueryRowContext(ctx, `SELECT current_user, role, public_key, private_key, kdf, slot FROM admins WHERE name = current_user`).
		Scan(&me, &role, &keys.Public, &keys.PrivSealed, &kdf, &slot)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: the database role you connect as is not an admin of this team vault; ask an owner to run `certctl admin add`", ErrNoSlot)
	}
	if err != nil {
		return fmt.Errorf("reading your admin slot: %w", err)
	}
	if keys.KDF, err = decodeKDF(kdf); err != nil {
		return err
	}
	if keys.KDF.Insecure {
		if len(passphrase) > 0 {
			return errPassphraseForInsecure
		}
		passphrase = nil
	}
	priv, err := keys.private(passphrase)
	if err != nil {
		return err
	}
	return v.openAdminSlot(priv, slot, me, role)
}

func (v *Vault) openAdminSlot(priv *ecdh.PrivateKey, slot []byte, me, role string) error {
	secret, err := openSlot(priv, slot, me+" "+role)
	if err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.admin, v.role, v.adminKey = me, role, priv
	if role == RoleAuditor {
		v.macKey = secret
		return nil
	}
	mk, err := deriveMACKey(secret)
	if err != nil {
		return err
	}
	v.vaultKey, v.macKey = secret, mk
	return nil
}

// AdminRole is the connected admin's name and role ("" before unlock, and
// on a vault file).
func (v *Vault) AdminRole() (name, role string) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.admin, v.role
}

// checkSlots reports admins' slots whose settings or keys are unreadable.
func (v *Vault) checkSlots(ctx context.Context, r *CheckReport) {
	rows, err := v.db.QueryContext(ctx, `SELECT name, kdf, public_key FROM admins ORDER BY name`)
	if err != nil {
		r.add("key", v.readError("reading the admins' slots", err))
		return
	}
	defer rows.Close()
	for rows.Next() {
		var name, kdf string
		var pub []byte
		if err := rows.Scan(&name, &kdf, &pub); err != nil {
			r.add("key", v.readError("reading the admins' slots", err))
			return
		}
		if _, err := decodeKDF(kdf); err != nil {
			r.add("key", fmt.Errorf("admin %s: %w", name, err))
		} else if _, err := ecdh.X25519().NewPublicKey(pub); err != nil {
			r.add("key", fmt.Errorf("%w: admin %s's public key is unreadable", ErrDamaged, name))
		}
	}
}

// changeSlotPassphrase re-seals the connected admin's private key under a
// new passphrase; the slot, and every other admin, are unchanged.
func (v *Vault) changeSlotPassphrase(ctx context.Context, newPassphrase []byte) error {
	v.mu.RLock()
	priv, role := v.adminKey, v.role
	v.mu.RUnlock()
	if priv == nil {
		return ErrLocked
	}
	params, kek, err := newKEK(newPassphrase, false)
	if err != nil {
		return err
	}
	sealed, err := seal(kek, priv.Bytes(), slotAAD+"private")
	if err != nil {
		return err
	}
	return v.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE admins SET private_key = ?, kdf = ? WHERE name = current_user`, sealed, encodeKDF(params)); err != nil {
			return fmt.Errorf("storing your new passphrase: %w", err)
		}
		if role == RoleAuditor {
			return nil // an auditor writes no audit entries
		}
		return v.audit(tx, "vault.passwd", 0, 0, "an admin's passphrase changed (their slot re-sealed)")
	})
}

// ErrForbidden: the admin's role may not make this change; the database
// refused it.
var ErrForbidden = errors.New("your role may not do this")

// forbidden turns PostgreSQL's refusal (insufficient privilege, or a row
// that row-level security keeps out) into a sentence naming the role.
func (v *Vault) forbidden(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || (pe.Code != "42501" && pe.Code != "42P01") {
		return err
	}
	name, role := v.AdminRole()
	return fmt.Errorf("%w: %s is %s in this team vault, and the database refused the change (%s); ask an owner", ErrForbidden, name, article(role), pe.Message)
}

func article(role string) string {
	if role == RoleOwner || role == RoleIssuer || role == RoleAuditor {
		return map[string]string{RoleOwner: "an owner", RoleIssuer: "an issuer", RoleAuditor: "an auditor"}[role]
	}
	return "not an admin"
}

// ErrKeyRotated: another admin (or, on a vault file, another process)
// rotated the vault key since this session unlocked; its key no longer
// matches the vault's records. A team session follows by reopening its
// own slot; a vault file needs its passphrase again.
var ErrKeyRotated = errors.New("the vault key was rotated (by another admin, or certctl rekey) since you unlocked")

// keyEpoch names an integrity key without revealing it.
func keyEpoch(macKey []byte) string {
	return fmt.Sprintf("%x", newMAC(macKey, "key epoch").sum()[:8])
}

// checkEpoch makes sure the session's key is the vault's current one,
// inside a write's transaction (after the write lock): when another admin
// rotated it (admin remove, rekey), the session reopens its own slot with
// the admin key it holds since unlocking; a removed admin has no slot and
// is refused, as is a session on a vault file rekeyed by another process
// (its key opens with the passphrase only).
func (v *Vault) checkEpoch(ctx context.Context, q snapshotReader) error {
	var epoch string
	err := q.QueryRow(`SELECT value FROM meta WHERE name = 'key_epoch'`).Scan(&epoch)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && epoch == v.epoch()) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the vault key's epoch: %w", err)
	}
	if !v.onServer() { // a vault file's key opens with its passphrase only
		return fmt.Errorf("%w: lock the vault and unlock it again with its passphrase (nothing was changed)", ErrKeyRotated)
	}
	if err := v.reopenSlot(ctx, q); err != nil || v.epoch() != epoch {
		return fmt.Errorf("%w: close the vault and unlock it again; nothing was changed (%v)", ErrKeyRotated, err)
	}
	return nil
}

// reopenSlot opens the session's slot again with the admin key in memory.
func (v *Vault) reopenSlot(ctx context.Context, q snapshotReader) error {
	v.mu.RLock()
	priv, me, role := v.adminKey, v.admin, v.role
	v.mu.RUnlock()
	if priv == nil {
		return ErrLocked
	}
	var slot []byte
	if err := q.QueryRowContext(ctx, `SELECT slot FROM admins WHERE name = current_user`).Scan(&slot); err != nil {
		return fmt.Errorf("%w: %v", ErrNoSlot, err)
	}
	return v.openAdminSlot(priv, slot, me, role)
}

// followRotation is checkEpoch outside a write, for sessions told of a
// change (notify.go).
func (v *Vault) followRotation(ctx context.Context) {
	if v.onServer() && v.macKeyOrNil() != nil {
		v.checkEpoch(ctx, v.db)
	}
}

// checked runs check, a MAC check of rows just read, with key, the
// session's integrity key taken before the rows were read (nil: the
// vault was locked then; the key now, if any, is used). Taken before the
// read, it is the key the rows were sealed under even when the session
// follows another admin's rotation (notify.go) while it reads. When the
// check fails because another admin rotated the vault key since the
// session unlocked (the key epoch moved on), the session reopens its own
// slot and runs the check once more, under the new key: a rotation is
// never reported as tampering, a real alteration fails both times, and a
// removed admin is told the key was rotated.
func (v *Vault) checked(ctx context.Context, key []byte, check func(key []byte) error) error {
	if key == nil {
		if key = v.macKeyOrNil(); key == nil {
			return nil
		}
	}
	err := check(key)
	if err == nil || !errors.Is(err, ErrTampered) {
		return err
	}
	if rerr := v.checkEpoch(ctx, v.db); rerr != nil {
		return rerr // a removed admin: the key moved on without them
	}
	if now := v.macKeyOrNil(); !hmac.Equal(now, key) {
		return check(now)
	}
	return err
}

// keyMoved reports whether the vault key moved on from key, the one the
// session held, since another admin rotated it (the session follows); an
// error when the session cannot follow.
func (v *Vault) keyMoved(ctx context.Context, key []byte) (bool, error) {
	if err := v.checkEpoch(ctx, v.db); err != nil {
		return false, err
	}
	now, err := v.key()
	return err == nil && !hmac.Equal(now, key), nil
}

// epoch is the epoch of the session's integrity key (which every admin,
// auditors too, holds once unlocked).
func (v *Vault) epoch() string { return keyEpoch(v.macKeyOrNil()) }
