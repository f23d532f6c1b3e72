package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/export"
	"certdesk/core/plain"
)

// saveReminder writes an .ics calendar file with the certificate's (or
// CA's) expiry day and an alarm some days before, for the admin's calendar.
func (m *mainView) saveReminder(r engine.Record) {
	choices := []string{"7 days before", "14 days before", "30 days before", "60 days before"}
	before := widget.NewSelect(choices, nil)
	before.SetSelected("30 days before")
	text := widget.NewLabel(fmt.Sprintf("A calendar event on %s, the day %q expires, with an alarm in time to renew it. "+
		"Open the .ics file with any calendar (Outlook, Google, Apple, Thunderbird).", plain.Date(r.NotAfter), r.CommonName))
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Calendar reminder", "Save…", "Cancel", container.NewVBox(text, before), func(ok bool) {
		if !ok {
			return
		}
		var days int
		fmt.Sscanf(before.Selected, "%d", &days)
		m.app.picker.Save("Save the reminder for "+r.CommonName, export.FileStem(r.CommonName)+"-expiry.ics", func(path string) {
			if path == "" {
				return
			}
			j := m.app.jobs()
			backgroundErr(m.app, "The reminder was not saved", func() error { return j.writeReminder(r, days, path) }, func() {
				m.app.toast(fmt.Sprintf("Saved the reminder to %s.", path))
			})
		})
	}, m.app.win)
	d.Resize(fyne.NewSize(440, d.MinSize().Height))
	d.Show()
}

// caReminder saves a reminder for the selected CA's own expiry: when a CA
// expires, every certificate it issued stops working with it.
func (m *mainView) caReminder() {
	ca, ok := m.caForAction()
	if !ok {
		return
	}
	j := m.app.jobs()
	background(m.app, "Reading the CA", func() (engine.Record, error) { return j.record(ca.CertID) }, m.saveReminder)
}
