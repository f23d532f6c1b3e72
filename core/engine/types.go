package engine

import "certdesk/core/vault"

// The records the engine hands to the faces. They are the store's own
// types, named here so that the faces need not import the store.
type (
	// Record is a certificate as the vault lists it.
	Record = vault.Record
	// CA is a certificate authority of the vault.
	CA = vault.CA
	// Filter selects and orders certificates.
	Filter = vault.Filter
	// SortKey orders a listing.
	SortKey = vault.SortKey
	// Kind says what a certificate is for.
	Kind = vault.Kind
	// Denial is a fingerprint on the deny-list.
	Denial = vault.Denial
	// CRL is a signed revocation list.
	CRL = vault.CRL
	// AuditEntry is one line of the audit trail.
	AuditEntry = vault.AuditEntry
	// CreateOptions say how a new vault is made.
	CreateOptions = vault.CreateOptions
	// RenewOptions say how a certificate is renewed.
	RenewOptions = vault.RenewOptions
	// ProfileRow is a profile with its version.
	ProfileRow = vault.ProfileRow
	// ConflictError refuses an edit of a row changed since its caller saw
	// it: who changed it, when and how (match with errors.As).
	ConflictError = vault.ConflictError
	// Admin is one admin of a team vault.
	Admin = vault.Admin

	// What the vault's checks report.

	// CheckOptions say how deep a check goes.
	CheckOptions = vault.CheckOptions
	// CheckReport lists every problem a check found.
	CheckReport = vault.CheckReport
	// Problem is one thing a check found wrong.
	Problem = vault.Problem
	// AuditChain says whether the audit trail's hash chain is intact.
	AuditChain = vault.AuditChain
	// Assurance says how far reads could be checked.
	Assurance = vault.Assurance
	// Strength rates a passphrase.
	Strength = vault.Strength
)

// The kinds of certificate.
const (
	KindCA     = vault.KindCA
	KindClient = vault.KindClient
	KindServer = vault.KindServer
)

// The orders a listing can take.
const (
	SortID         = vault.SortID
	SortCommonName = vault.SortCommonName
	SortNotAfter   = vault.SortNotAfter
	SortStatus     = vault.SortStatus
	SortSerial     = vault.SortSerial
	SortKeyType    = vault.SortKeyType
)

// The roles of a team vault's admins.
const (
	RoleOwner   = vault.RoleOwner
	RoleIssuer  = vault.RoleIssuer
	RoleAuditor = vault.RoleAuditor
)

// Errors the faces can test for with errors.Is.
var (
	ErrWrongPassphrase = vault.ErrWrongPassphrase
	ErrLocked          = vault.ErrLocked
	ErrNotFound        = vault.ErrNotFound
	ErrAmbiguous       = vault.ErrAmbiguous
	ErrExists          = vault.ErrExists
	ErrNewerSchema     = vault.ErrNewerSchema
	ErrNoVault         = vault.ErrNoVault
	// ErrConflict is matched by every *ConflictError.
	ErrConflict = vault.ErrConflict

	// Errors of a vault that cannot be trusted, or a passphrase refused.
	ErrTampered          = vault.ErrTampered
	ErrDamaged           = vault.ErrDamaged
	ErrWeakPassphrase    = vault.ErrWeakPassphrase
	ErrNoPassphraseVault = vault.ErrNoPassphraseVault

	// Errors of a team vault.

	// ErrNotTeamVault: admins exist only in a team vault.
	ErrNotTeamVault = vault.ErrNotTeamVault
	// ErrNoSlot: the connected database role is not an admin of the vault.
	ErrNoSlot = vault.ErrNoSlot
	// ErrForbidden: the admin's role may not do this; the database refused.
	ErrForbidden = vault.ErrForbidden
	// ErrKeyRotated: another admin rotated the key; unlock again.
	ErrKeyRotated = vault.ErrKeyRotated
)

// ReasonName is the RFC 5280 name of a revocation reason code.
func ReasonName(code int) string { return vault.ReasonName(code) }

// ParseReason reads a revocation reason by name or number.
func ParseReason(s string) (int, error) { return vault.ParseReason(s) }

// ReasonNames lists the revocation reasons by name.
func ReasonNames() []string { return vault.ReasonNames() }

// DefaultPath is the vault in the user's config folder.
func DefaultPath() (string, error) { return vault.DefaultPath() }

// DefaultActor names who makes changes, for the audit trail.
func DefaultActor(program string) string { return vault.DefaultActor(program) }

// ValidateCAName checks a name given to a new CA.
func ValidateCAName(name string) error { return vault.ValidateCAName(name) }
