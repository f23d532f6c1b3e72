package ui

import (
	"errors"
	"strings"
	"testing"

	"certdesk/core/pgtest"
)

// TestOpenTeamVault opens a team vault on a real PostgreSQL from the
// app: a wrong address is refused next to the field, the unlock screen
// shows the address without its password, and the owner's passphrase
// opens it.
func TestOpenTeamVault(t *testing.T) {
	const pass = "correct horse battery staple"
	url := pgtest.Start(t).NewDatabase(t, "")
	makeVault(t, url, []byte(pass), "Team CA")

	h := newHarness(t, Options{})
	h.app.Start()
	h.app.openTeamVault()
	for _, bad := range []string{"/home/alice/vault.db", "mysql://db/certdesk", ""} {
		if !errors.Is(teamAddressProblem(bad), errNotTeamAddress) {
			t.Errorf("%q is taken as a team vault's address", bad)
		}
	}
	h.typeInto("e.g. postgres://", url)
	h.tap("Open")
	h.sees("Unlock your vault")
	if strings.Contains(h.text(), "password=") {
		t.Errorf("the unlock screen shows the address's password:\n%s", h.text())
	}
	h.typeInto("passphrase", pass)
	h.tap("Unlock")
	h.sees("Team CA")
}
