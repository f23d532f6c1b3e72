package vault

import "errors"

// Errors callers can test for with errors.Is.
var (
	ErrWrongPassphrase = errors.New("the passphrase is wrong")
	ErrLocked          = errors.New("the vault is locked: unlock it with its passphrase first")
	ErrNotFound        = errors.New("not found")
	ErrAmbiguous       = errors.New("more than one certificate matches")
	ErrExists          = errors.New("already exists")
	ErrNewerSchema     = errors.New("the vault was written by a newer Certdesk")
	ErrNoVault         = errors.New("no vault there")
)
