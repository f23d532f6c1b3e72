package vault

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"certdesk/core/pki"
)

// SaveProfile stores an issuance profile, replacing the one of that name
// when replace is set.
func (v *Vault) SaveProfile(ctx context.Context, p pki.Profile, replace bool) error {
	return v.SaveProfileIfUnchanged(ctx, p, replace, 0)
}

// SaveProfileIfUnchanged is SaveProfile for a caller who saw the profile
// it replaces at version seen: a *ConflictError when it changed or was
// removed since (0: no check).
func (v *Vault) SaveProfileIfUnchanged(ctx context.Context, p pki.Profile, replace bool, seen int64) error {
	if err := p.Validate(); err != nil {
		return err
	}
	spec, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encoding the profile: %w", err)
	}
	return v.write(ctx, func(tx *sql.Tx) error {
		if err := unchanged(tx, profileRow(p.Name), seen); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM profiles WHERE name = ?`, p.Name).Scan(&n); err != nil {
			return fmt.Errorf("reading profiles: %w", err)
		}
		if n > 0 && !replace {
			return fmt.Errorf("%w: a profile named %q is already in the vault (replace it, or choose another name)", ErrExists, p.Name)
		}
		change, err := v.nextChange(tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO profiles (name, spec, created_at, version) VALUES (?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, version = excluded.version`, p.Name, string(spec), v.now().UTC().Unix(), change); err != nil {
			return fmt.Errorf("storing the profile: %w", err)
		}
		return v.audit(tx, "profile.save", 0, 0, fmt.Sprintf("profile %q: %s", p.Name, spec))
	})
}

// ProfileRow is a profile with its version (versions.go).
type ProfileRow struct {
	pki.Profile
	Version int64 `json:"version"`
}

// Profiles lists the issuance profiles by name.
func (v *Vault) Profiles(ctx context.Context) ([]pki.Profile, error) {
	rows, err := v.ProfileRows(ctx)
	out := make([]pki.Profile, len(rows))
	for i, r := range rows {
		out[i] = r.Profile
	}
	return out, err
}

// ProfileRows lists the issuance profiles by name, with their versions.
func (v *Vault) ProfileRows(ctx context.Context) ([]ProfileRow, error) {
	return queryAll(ctx, v.db, "listing profiles", func(s scanner) (ProfileRow, error) {
		var spec string
		var r ProfileRow
		if err := s.Scan(&spec, &r.Version); err != nil {
			return r, err
		}
		if err := json.Unmarshal([]byte(spec), &r.Profile); err != nil {
			return r, fmt.Errorf("a stored profile is damaged: %w", err)
		}
		return r, nil
	}, `SELECT spec, version FROM profiles ORDER BY name`)
}

// Profile returns the profile with that name.
func (v *Vault) Profile(ctx context.Context, name string) (pki.Profile, error) {
	var spec string
	err := v.db.QueryRowContext(ctx, `SELECT spec FROM profiles WHERE name = ?`, name).Scan(&spec)
	if errors.Is(err, sql.ErrNoRows) {
		return pki.Profile{}, fmt.Errorf("%w: no profile named %q (certctl profile list shows them)", ErrNotFound, name)
	}
	if err != nil {
		return pki.Profile{}, fmt.Errorf("reading the profile %q: %w", name, err)
	}
	var p pki.Profile
	if err := json.Unmarshal([]byte(spec), &p); err != nil {
		return pki.Profile{}, fmt.Errorf("the profile %q is damaged: %w", name, err)
	}
	return p, nil
}

// RemoveProfile deletes a profile, and makes no CA default to it any more.
func (v *Vault) RemoveProfile(ctx context.Context, name string) error {
	return v.RemoveProfileIfUnchanged(ctx, name, 0)
}

// RemoveProfileIfUnchanged is RemoveProfile for a caller who saw the
// profile at version seen: a *ConflictError when it changed since (0: no
// check). The CAs that defaulted to it change too.
func (v *Vault) RemoveProfileIfUnchanged(ctx context.Context, name string, seen int64) error {
	return v.write(ctx, func(tx *sql.Tx) error {
		if err := unchanged(tx, profileRow(name), seen); err != nil {
			return err
		}
		id, err := profileID(tx, name)
		if err != nil {
			return err
		}
		change, err := v.nextChange(tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE cas SET version = ? WHERE id IN (SELECT ca_id FROM ca_profiles WHERE profile_id = ?)`, change, id); err != nil {
			return fmt.Errorf("removing the profile: %w", err)
		}
		if _, err := tx.Exec(`DELETE FROM ca_profiles WHERE profile_id = ?`, id); err != nil {
			return fmt.Errorf("removing the profile: %w", err)
		}
		if _, err := tx.Exec(`DELETE FROM profiles WHERE id = ?`, id); err != nil {
			return fmt.Errorf("removing the profile: %w", err)
		}
		return v.audit(tx, "profile.remove", 0, 0, profileDetail(name))
	})
}

func profileDetail(name string) string { return fmt.Sprintf("profile %q", name) }

// SetDefaultProfile makes a profile the CA's default (empty name: none).
func (v *Vault) SetDefaultProfile(ctx context.Context, ca CA, name string) error {
	return v.SetDefaultProfileIfUnchanged(ctx, ca, name, 0)
}

// SetDefaultProfileIfUnchanged is SetDefaultProfile for a caller who saw
// the CA at version seen (CA.Version): a *ConflictError when its settings
// changed since (0: no check).
func (v *Vault) SetDefaultProfileIfUnchanged(ctx context.Context, ca CA, name string, seen int64) error {
	return v.write(ctx, func(tx *sql.Tx) error {
		if err := v.edit(tx, caSettingsRow(ca), seen); err != nil {
			return err
		}
		if name == "" {
			if _, err := tx.Exec(`DELETE FROM ca_profiles WHERE ca_id = ?`, ca.ID); err != nil {
				return fmt.Errorf("clearing the default profile: %w", err)
			}
			return v.audit(tx, "profile.default", ca.ID, 0, fmt.Sprintf("CA %q has no default profile", ca.Name))
		}
		id, err := profileID(tx, name)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO ca_profiles (ca_id, profile_id) VALUES (?, ?)
			ON CONFLICT (ca_id) DO UPDATE SET profile_id = excluded.profile_id`, ca.ID, id); err != nil {
			return fmt.Errorf("setting the default profile: %w", err)
		}
		return v.audit(tx, "profile.default", ca.ID, 0, fmt.Sprintf("CA %q issues with profile %q by default", ca.Name, name))
	})
}

// DefaultProfile is the CA's default profile, and false when it has none.
func (v *Vault) DefaultProfile(ctx context.Context, ca CA) (pki.Profile, bool, error) {
	var name string
	err := v.db.QueryRowContext(ctx, `SELECT p.name FROM ca_profiles c JOIN profiles p ON p.id = c.profile_id WHERE c.ca_id = ?`, ca.ID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return pki.Profile{}, false, nil
	}
	if err != nil {
		return pki.Profile{}, false, fmt.Errorf("reading the default profile of %q: %w", ca.Name, err)
	}
	p, err := v.Profile(ctx, name)
	return p, err == nil, err
}

// profileID is the id of the profile named, inside a transaction.
func profileID(tx *sql.Tx, name string) (int64, error) {
	var id int64
	err := tx.QueryRow(`SELECT id FROM profiles WHERE name = ?`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("%w: no profile named %q", ErrNotFound, name)
	}
	if err != nil {
		return 0, fmt.Errorf("reading the profile %q: %w", name, err)
	}
	return id, nil
}
