package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/plain"
)

// revokeCodes are the reasons offered, most common first (RFC 5280 codes).
var revokeCodes = []int{1, 3, 4, 5, 9, 6, 0}

// reasonLabel is a reason in plain words; the RFC name follows for those
// who know it.
func reasonLabel(code int) string {
	name := engine.ReasonName(code)
	return capitalise(plain.Reason(name)) + " (" + name + ")"
}

// revoke asks for a reason and a confirmation that names the person.
func (m *mainView) revoke(r engine.Record) {
	var labels []string
	for _, c := range revokeCodes {
		labels = append(labels, reasonLabel(c))
	}
	reason := widget.NewSelect(labels, nil)
	reason.SetSelected(labels[0])
	text := widget.NewLabel(fmt.Sprintf("Revoke the certificate of %q (serial %s)?\n\nThe test server refuses it from the next connection. Other servers learn of it from the next CRL you publish.", r.CommonName, r.Serial))
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Revoke "+r.CommonName, "Revoke "+r.CommonName, "Cancel", container.NewVBox(text, reason), func(ok bool) {
		if !ok {
			return
		}
		code := 0
		for _, c := range revokeCodes {
			if reasonLabel(c) == reason.Selected {
				code = c
			}
		}
		j := m.app.jobs()
		background(m.app, "The certificate was not revoked", func() (engine.Record, error) { return j.revoke(r, code) }, func(rec engine.Record) {
			m.certificateChanged(rec.ID)
			m.app.toast(fmt.Sprintf("Revoked %q: %s. Publish a CRL so servers learn of it.", rec.CommonName, plain.Reason(engine.ReasonName(code))))
		})
	}, m.app.win)
	d.Resize(fyne.NewSize(480, d.MinSize().Height))
	d.Show()
}

// unrevoke undoes a revocation after a confirmation.
func (m *mainView) unrevoke(r engine.Record) {
	msg := fmt.Sprintf("Undo the revocation of %q?\n\nCRLs already published still list it until you publish the next one.", r.CommonName)
	d := dialog.NewConfirm("Unrevoke "+r.CommonName, msg, func(ok bool) {
		if !ok {
			return
		}
		j := m.app.jobs()
		background(m.app, "The revocation was not undone", func() (engine.Record, error) { return j.unrevoke(r) }, func(rec engine.Record) {
			m.certificateChanged(rec.ID)
			m.app.toast(fmt.Sprintf("%q is valid again. Publish a CRL so servers learn of it.", rec.CommonName))
		})
	}, m.app.win)
	d.Show()
}
