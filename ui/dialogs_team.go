package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
)

// errNotTeamAddress means the address typed is not a PostgreSQL one.
var errNotTeamAddress = errors.New("a team vault's address starts with postgres://, for example postgres://alice@db.example.com/certdesk")

// openTeamVault asks for a team vault's address, then for the admin's
// passphrase, as for a vault file.
func (u *App) openTeamVault() {
	address := widget.NewEntry()
	address.SetPlaceHolder("e.g. postgres://alice@db.example.com/certdesk")
	address.Validator = teamAddressProblem
	hint := widget.NewLabel("You connect as your own database role and unlock with your own passphrase; what you may do is what your role (owner, issuer or auditor) allows.")
	hint.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{widget.NewFormItem("Address", address), widget.NewFormItem("", hint)}
	d := dialog.NewForm("Open a team vault", "Open", "Cancel", items, func(ok bool) {
		if ok {
			u.showUnlock(strings.TrimSpace(address.Text))
		}
	}, u.win)
	d.Resize(fyne.NewSize(560, d.MinSize().Height))
	d.Show()
}

// teamAddressProblem says what is wrong with a team vault's address, or nil.
func teamAddressProblem(s string) error {
	if !engine.IsTeamVault(strings.TrimSpace(s)) {
		return errNotTeamAddress
	}
	return nil
}
