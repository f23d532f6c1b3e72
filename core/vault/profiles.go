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
	if err := p.Validate(); err != nil {
		return err
	}
	spec, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encoding the profile: %w", err)
	}
	return v.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM profiles WHERE name = ?`, p.Name).Scan(&n); err != nil {
			return fmt.Errorf("reading profiles: %w", err)
		}
		if n > 0 && !replace {
			return fmt.Errorf("%w: a profile named %q is already in the vault (replace it, or choose another name)", ErrExists, p.Name)
		}
		if _, err := tx.Exec(`INSERT INTO profiles (name, spec, created_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET spec = excluded.spec`, p.Name, string(spec), v.now().UTC().Unix()); err != nil {
			return fmt.Errorf("storing the profile: %w", err)
		}
		return v.audit(tx, "profile.save", 0, 0, fmt.Sprintf("profile %q: %s", p.Name, spec))
	})
}

// Profiles lists the issuance profiles by name.
func (v *Vault) Profiles(ctx context.Context) ([]pki.Profile, error) {
	rows, err := v.db.QueryContext(ctx, `SELECT spec FROM profiles ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("listing profiles: %w", err)
	}
	defer rows.Close()
	var out []pki.Profile
	for rows.Next() {
		var spec string
		if err := rows.Scan(&spec); err != nil {
			return nil, fmt.Errorf("listing profiles: %w", err)
		}
		var p pki.Profile
		if err := json.Unmarshal([]byte(spec), &p); err != nil {
			return nil, fmt.Errorf("a stored profile is damaged: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
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
	return v.write(ctx, func(tx *sql.Tx) error {
		id, err := profileID(tx, name)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM ca_profiles WHERE profile_id = ?`, id); err != nil {
			return fmt.Errorf("removing the profile: %w", err)
		}
		if _, err := tx.Exec(`DELETE FROM profiles WHERE id = ?`, id); err != nil {
			return fmt.Errorf("removing the profile: %w", err)
		}
		return v.audit(tx, "profile.remove", 0, 0, fmt.Sprintf("profile %q", name))
	})
}

// SetDefaultProfile makes a profile the CA's default (empty name: none).
func (v *Vault) SetDefaultProfile(ctx context.Context, ca CA, name string) error {
	return v.write(ctx, func(tx *sql.Tx) error {
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
