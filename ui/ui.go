// Package ui holds Certdesk's Fyne views over the core engine. It never
// imports fyne.io/fyne/v2/app, so its tests run headless.
package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/vault"
)

// UI is the main window's content over one vault.
type UI struct {
	vault *vault.Vault
	list  *widget.List
	recs  []vault.Record
	title *widget.Label
}

// New builds the UI for an open vault.
func New(v *vault.Vault) *UI {
	u := &UI{vault: v, title: widget.NewLabel("")}
	u.list = widget.NewList(
		func() int { return len(u.recs) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := u.recs[i]
			o.(*widget.Label).SetText(fmt.Sprintf("%s — %s (%s)", r.CommonName, r.Status(v.Now()), r.Kind))
		},
	)
	return u
}

// Reload reads the certificates again.
func (u *UI) Reload() error {
	recs, err := u.vault.List(context.Background(), vault.Filter{})
	if err != nil {
		return err
	}
	u.recs = recs
	u.title.SetText(fmt.Sprintf("%s — %d certificates", u.vault.Path(), len(recs)))
	u.list.Refresh()
	return nil
}

// Content is the window's content.
func (u *UI) Content() fyne.CanvasObject {
	return container.NewBorder(u.title, nil, nil, nil, u.list)
}
