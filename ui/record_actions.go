package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
)

// recordAction is one thing to do with a certificate: a button in the
// detail pane and an item of its row's right-click menu, greyed out in
// both when the admin's role may not do it.
type recordAction struct {
	button, item string // the labels in the pane and in the menu
	icon         fyne.Resource
	importance   widget.Importance
	right        engine.Action
	do           func()
}

// recordActions are what one can do with r.
func (m *mainView) recordActions(r engine.Record) []recordAction {
	acts := []recordAction{{"Export…", "Export…", theme.DocumentSaveIcon(), widget.HighImportance, engine.ActRead, func() { m.exportCertificate(r) }}}
	if r.Kind != engine.KindCA {
		if r.Revoked() {
			acts = append(acts, recordAction{"Unrevoke…", "Unrevoke…", theme.ContentUndoIcon(), widget.MediumImportance, engine.ActRevoke, func() { m.unrevoke(r) }})
		} else {
			acts = append(acts, recordAction{"Revoke…", "Revoke…", theme.CancelIcon(), widget.DangerImportance, engine.ActRevoke, func() { m.revoke(r) }})
		}
		acts = append(acts, recordAction{"Renew…", "Renew…", theme.ViewRefreshIcon(), widget.MediumImportance, engine.ActRenew, func() { m.renew(r) }})
		if r.HasKey {
			acts = append(acts, recordAction{"Try on test server", "Try on test server", theme.ComputerIcon(), widget.MediumImportance, engine.ActTestServer, func() { m.tryOnServer(r) }})
		}
	}
	return append(acts, recordAction{"Reminder…", "Calendar reminder…", theme.HistoryIcon(), widget.MediumImportance, engine.ActRead, func() { m.saveReminder(r) }})
}

// actions are the detail pane's buttons for r.
func (d *detailPane) actions(r engine.Record) fyne.CanvasObject {
	grid, g := container.NewGridWithColumns(2), d.m.gates()
	for _, a := range d.m.recordActions(r) {
		b := widget.NewButtonWithIcon(a.button, a.icon, a.do)
		b.Importance = a.importance
		if g.need(a.right, b); b.Visible() {
			grid.Add(b) // a hidden button would still take a cell
		}
	}
	return container.NewVBox(grid, g.note)
}

// rowMenu is what one can do with a row, in its right-click menu.
func rowMenu(m *mainView, r engine.Record) []*fyne.MenuItem {
	var items []*fyne.MenuItem
	for _, a := range m.recordActions(r) {
		items = append(items, m.app.item(a.item, a.right, a.do))
	}
	return append(items, fyne.NewMenuItem("Copy SHA-256 fingerprint", func() { m.copyText(r.FingerprintSHA256, "SHA-256 fingerprint") }))
}
