package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
)

var revokeReasons = []struct {
	code  int
	label string
}{
	{1, "keyCompromise — the key was lost or stolen"},
	{3, "affiliationChanged — the person left or changed role"},
	{4, "superseded — replaced by a new certificate"},
	{5, "cessationOfOperation — no longer needed"},
	{9, "privilegeWithdrawn — access taken away"},
	{6, "certificateHold — suspended for now"},
	{0, "unspecified"},
}

// revoke asks for a reason and a confirmation that names the person.
func (m *mainView) revoke(r engine.Record) {
	var labels []string
	for _, rr := range revokeReasons {
		labels = append(labels, rr.label)
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
		for _, rr := range revokeReasons {
			if rr.label == reason.Selected {
				code = rr.code
			}
		}
		j := m.app.jobs()
		m.app.run.Run(func() func() {
			rec, err := j.revoke(r.ID, code)
			return func() {
				if err != nil {
					m.app.showError("The certificate was not revoked", err)
					return
				}
				m.certificateChanged(rec.ID)
				m.app.toast(fmt.Sprintf("Revoked %q (%s). Publish a CRL so servers learn of it.", rec.CommonName, engine.ReasonName(code)))
			}
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
		m.app.run.Run(func() func() {
			rec, err := j.unrevoke(r.ID)
			return func() {
				if err != nil {
					m.app.showError("The revocation was not undone", err)
					return
				}
				m.certificateChanged(rec.ID)
				m.app.toast(fmt.Sprintf("%q is valid again. Publish a CRL so servers learn of it.", rec.CommonName))
			}
		})
	}, m.app.win)
	d.Show()
}
