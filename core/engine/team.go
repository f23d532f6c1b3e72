package engine

import (
	"context"

	"certdesk/core/vault"
)

// Admins of a team vault (a vault on PostgreSQL): each connects as their
// own database role, unlocks with their own passphrase, and may do what
// their role allows, which the database enforces.

// IsTeamVault reports whether where is a team vault's postgres:// address.
func IsTeamVault(where string) bool { return vault.IsURL(where) }

// teamStore is a store that has admins.
type teamStore interface {
	Admins(ctx context.Context) ([]vault.Admin, error)
	AddAdmin(ctx context.Context, name, role string, passphrase []byte) error
	RemoveAdmin(ctx context.Context, name string) (int, error)
	AdminRole() (name, role string)
}

func (e *Engine) team() (teamStore, error) {
	t, ok := e.store.(teamStore)
	if !ok {
		return nil, ErrNotTeamVault
	}
	return t, nil
}

// Admins lists the team vault's admins.
func (e *Engine) Admins(ctx context.Context) ([]Admin, error) {
	t, err := e.team()
	if err != nil {
		return nil, err
	}
	return t.Admins(ctx)
}

// AddAdmin makes name an admin with role, unlocking with passphrase.
func (e *Engine) AddAdmin(ctx context.Context, name, role string, passphrase []byte) error {
	t, err := e.team()
	if err != nil {
		return err
	}
	return t.AddAdmin(ctx, name, role, passphrase)
}

// RemoveAdmin removes name and rotates the vault key; it returns how many
// private keys were re-sealed.
func (e *Engine) RemoveAdmin(ctx context.Context, name string) (int, error) {
	t, err := e.team()
	if err != nil {
		return 0, err
	}
	return t.RemoveAdmin(ctx, name)
}

// Me is the connected admin of a team vault and their role ("" otherwise).
func (e *Engine) Me() (name, role string) {
	t, err := e.team()
	if err != nil {
		return "", ""
	}
	return t.AdminRole()
}
