package ui

import "certdesk/core/engine"

// checkVault runs every check of the vault: the file, the key material,
// every record and the audit chain.
func (j jobs) checkVault() (engine.CheckReport, error) {
	return j.v.CheckAll(j.ctx, engine.CheckOptions{Full: true})
}

// history is the audit trail, newest first, and whether its chain holds.
type history struct {
	entries []engine.AuditEntry
	chain   engine.AuditChain
}

// readHistory reads the newest limit audit entries and checks the chain.
func (j jobs) readHistory(limit int) (history, error) {
	entries, err := j.v.Audit(j.ctx, 0, limit)
	if err != nil {
		return history{}, err
	}
	chain, err := j.v.VerifyAudit(j.ctx)
	return history{entries: entries, chain: chain}, err
}

// changePassphrase re-wraps the vault key under a new passphrase.
func (j jobs) changePassphrase(newPassphrase []byte) error {
	return j.v.ChangePassphrase(j.ctx, newPassphrase)
}

// adminOf is who is signed in to a team vault (zero on a vault file): the
// engine holds it in memory since the unlock.
func adminOf(v *engine.Engine) signedIn {
	name, role := v.Me()
	return signedIn{name: name, role: role}
}

// admins lists a team vault's admins (an issuer or auditor sees only
// themselves: the database shows them no one else's slot).
func (j jobs) admins() ([]engine.Admin, error) { return j.v.Admins(j.ctx) }

// addAdmin makes name an admin with role and their own passphrase.
func (j jobs) addAdmin(name, role string, passphrase []byte) error {
	return j.v.AddAdmin(j.ctx, name, role, passphrase)
}

// removeAdmin removes an admin, rotating the vault key and re-sealing
// every private key; it says how many.
func (j jobs) removeAdmin(name string) (int, error) { return j.v.RemoveAdmin(j.ctx, name) }
