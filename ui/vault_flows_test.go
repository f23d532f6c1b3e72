package ui

import (
	"errors"
	"path/filepath"
	"testing"

	"certdesk/core/engine"
)

// TestCheckHistoryAndPassphrase: the app checks the vault, shows its
// history with the state of its chain, and changes the passphrase with
// the policy certctl uses; afterwards only the new one opens the vault.
func TestCheckHistoryAndPassphrase(t *testing.T) {
	const old, fresh = "correct horse battery staple", "tangerine submarine orbit lantern"
	path := filepath.Join(t.TempDir(), "vault.db")
	makeVault(t, path, []byte(old), "Acme")

	h := newHarness(t, Options{VaultPath: path})
	h.app.Start()
	h.typeInto("passphrase", old)
	h.tap("Unlock")
	h.sees("Acme")
	m := h.app.main

	m.checkVault()
	h.sees("The vault is sound", "1 CA(s)", "is intact")
	h.tap("Close")
	m.showHistory()
	h.sees("entries are intact", "ca.create", "vault.create")
	h.tap("Close")

	m.changePassphrase()
	h.typeInto("new passphrase", "password1")
	h.sees("too easy to guess")
	h.typeInto("the new passphrase again", "password1")
	h.tap("Change")
	h.sees("The passphrase was not changed", "too easy to guess")
	h.tap("OK")
	m.changePassphrase()
	h.typeInto("new passphrase", fresh)
	h.sees("strong enough")
	h.typeInto("the new passphrase again", fresh)
	h.tap("Change")
	h.sees("The vault's passphrase is changed")

	h.app.Close()
	if _, err := engine.OpenUnlocked(path, []byte(old)); !errors.Is(err, engine.ErrWrongPassphrase) {
		t.Errorf("the old passphrase after the change: %v", err)
	}
	w, err := engine.OpenUnlocked(path, []byte(fresh))
	if err != nil {
		t.Fatalf("the new passphrase: %v", err)
	}
	w.Close()
}
