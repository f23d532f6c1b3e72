package engine

import (
	"context"
	"crypto/x509"
	"fmt"

	"certdesk/core/pki"
)

// Profile is a named set of issuance defaults.
type Profile = pki.Profile

// SaveProfile stores an issuance profile; replace allows changing one of
// the same name.
func (e *Engine) SaveProfile(ctx context.Context, p Profile, replace bool) error {
	return e.store.SaveProfileIfUnchanged(ctx, p, replace, 0)
}

// SaveProfileIfUnchanged stores a profile; the one it replaces must be at
// version seen (ProfileRow.Version), or a *ConflictError says who changed
// or removed it since (0: no check).
func (e *Engine) SaveProfileIfUnchanged(ctx context.Context, p Profile, replace bool, seen int64) error {
	return e.store.SaveProfileIfUnchanged(ctx, p, replace, seen)
}

// Profiles lists the issuance profiles by name.
func (e *Engine) Profiles(ctx context.Context) ([]Profile, error) {
	rows, err := e.store.ProfileRows(ctx)
	out := make([]Profile, len(rows))
	for i, r := range rows {
		out[i] = r.Profile
	}
	return out, err
}

// ProfileRows lists the issuance profiles by name, each with the version
// an edit of it names.
func (e *Engine) ProfileRows(ctx context.Context) ([]ProfileRow, error) {
	return e.store.ProfileRows(ctx)
}

// ProfileByName returns one profile.
func (e *Engine) ProfileByName(ctx context.Context, name string) (Profile, error) {
	return e.store.Profile(ctx, name)
}

// RemoveProfile deletes a profile (CAs that defaulted to it have no default then).
func (e *Engine) RemoveProfile(ctx context.Context, name string) error {
	return e.store.RemoveProfileIfUnchanged(ctx, name, 0)
}

// RemoveProfileIfUnchanged removes a profile its caller saw at version
// seen; a *ConflictError when it changed since (0: no check).
func (e *Engine) RemoveProfileIfUnchanged(ctx context.Context, name string, seen int64) error {
	return e.store.RemoveProfileIfUnchanged(ctx, name, seen)
}

// SetDefaultProfile makes a profile the CA's default for issuing (empty: none).
func (e *Engine) SetDefaultProfile(ctx context.Context, ca CA, name string) error {
	return e.store.SetDefaultProfileIfUnchanged(ctx, ca, name, 0)
}

// SetDefaultProfileIfUnchanged sets the default profile of a CA its
// caller saw at version seen (CA.Version); a *ConflictError when the CA's
// settings changed since (0: no check).
func (e *Engine) SetDefaultProfileIfUnchanged(ctx context.Context, ca CA, name string, seen int64) error {
	return e.store.SetDefaultProfileIfUnchanged(ctx, ca, name, seen)
}

// DefaultProfile is the CA's default profile, and false when it has none.
func (e *Engine) DefaultProfile(ctx context.Context, ca CA) (Profile, bool, error) {
	return e.store.DefaultProfile(ctx, ca)
}

// profileFor is the profile named, or the CA's default when name is
// empty; false when there is none.
func (e *Engine) profileFor(ctx context.Context, ca CA, name string) (Profile, bool, error) {
	if name == "" {
		return e.store.DefaultProfile(ctx, ca)
	}
	p, err := e.store.Profile(ctx, name)
	return p, err == nil, err
}

// checkConstraints refuses names that break the name constraints of the
// CA or of any CA above it, before anything is signed.
func (e *Engine) checkConstraints(ctx context.Context, ca CA, n pki.Names) error {
	cas, err := e.caChain(ctx, ca)
	if err != nil {
		return err
	}
	return checkNames(cas, n)
}

func checkNames(cas []*x509.Certificate, n pki.Names) error {
	if err := pki.CheckConstraints(cas, n); err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	return nil
}

// caChain is the CA's certificate and the CAs above it, nearest first.
func (e *Engine) caChain(ctx context.Context, ca CA) ([]*x509.Certificate, error) {
	cert, err := e.store.Certificate(ctx, ca.CertID)
	if err != nil {
		return nil, err
	}
	chain, err := e.store.Chain(ctx, ca.CertID)
	if err != nil {
		return nil, err
	}
	return append([]*x509.Certificate{cert}, chain...), nil
}
