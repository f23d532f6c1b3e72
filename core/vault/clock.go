package vault

import "time"

// SetClock replaces the vault's clock (tests, demos of expiry).
func (v *Vault) SetClock(now func() time.Time) { v.Now = now }

// CurrentTime is the vault's clock now.
func (v *Vault) CurrentTime() time.Time { return v.now() }

// SetActor names who makes the changes, for the audit trail.
func (v *Vault) SetActor(actor string) { v.Actor = actor }
