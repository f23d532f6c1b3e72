package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
)

// detailPane shows the selected certificate and its actions.
type detailPane struct {
	m       *mainView
	content fyne.CanvasObject
	body    *fyne.Container
	record  engine.Record
}

func newDetailPane(m *mainView) *detailPane {
	d := &detailPane{m: m, body: container.NewVBox()}
	d.clear()
	d.content = container.NewVScroll(container.NewPadded(d.body))
	return d
}

func (d *detailPane) clear() {
	hint := widget.NewLabel("Select a certificate to see its details, export it, revoke it or renew it.")
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	d.body.Objects = []fyne.CanvasObject{hint}
	d.body.Refresh()
}

// show reads the record's certificate in the background, then fills the
// pane with its details and actions.
func (d *detailPane) show(r engine.Record) {
	d.record = r
	j := d.m.app.jobs()
	d.m.app.run.Run(func() func() {
		detail, err := j.detail(r)
		return func() {
			if d.record.ID != r.ID {
				return // another record was selected meanwhile
			}
			if err != nil {
				d.m.app.showError("Reading the certificate", err)
				return
			}
			d.fill(r, detail)
		}
	})
}

// fill shows what detail found about r.
func (d *detailPane) fill(r engine.Record, detail certDetail) {
	now := d.m.app.jobs().now()
	info, status := detail.info, r.Status(now)
	title := widget.NewLabelWithStyle(info.CommonName, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	badge := widget.NewLabel(strings.ToUpper(statusLabel(status)))
	badge.TextStyle = fyne.TextStyle{Bold: true}
	badge.Importance = statusImportance(status)
	d.body.Objects = []fyne.CanvasObject{
		container.NewBorder(nil, nil, nil, badge, title),
		validityBar(info, status),
		d.form(r, detail, now),
		fingerprintRow(d.m, "SHA-256", info.FingerprintSHA256),
		fingerprintRow(d.m, "SHA-1", info.FingerprintSHA1),
		widget.NewSeparator(),
		d.actions(r),
	}
	d.body.Refresh()
}

// form lists the certificate's fields, skipping empty ones.
func (d *detailPane) form(r engine.Record, detail certDetail, now time.Time) fyne.CanvasObject {
	info := detail.info
	form := container.New(layout.NewFormLayout())
	row := func(label, value string) {
		if value == "" {
			return
		}
		k := widget.NewLabelWithStyle(label, fyne.TextAlignTrailing, fyne.TextStyle{Italic: true})
		val := widget.NewLabel(value)
		val.Wrapping = fyne.TextWrapWord
		val.Selectable = true
		form.Add(k)
		form.Add(val)
	}
	row("Subject", info.Subject)
	row("Issuer", info.Issuer)
	row("Kind", string(r.Kind))
	row("Serial", info.Serial)
	row("Serial (decimal)", info.SerialDecimal)
	row("Valid from", info.NotBefore.Local().Format("2 Jan 2006 15:04"))
	row("Valid until", info.NotAfter.Local().Format("2 Jan 2006 15:04"))
	if r.Revoked() {
		row("Revoked", fmt.Sprintf("%s, %s, by %s", r.RevokedAt.Local().Format("2 Jan 2006 15:04"), engine.ReasonName(r.RevocationReason), detail.revokedBy))
	}
	row("Key", info.KeyType)
	row("E-mail", strings.Join(info.Emails, ", "))
	row("DNS names", strings.Join(info.DNSNames, ", "))
	row("IP addresses", strings.Join(info.IPAddresses, ", "))
	row("Key usage", strings.Join(info.KeyUsage, ", "))
	row("Extended usage", strings.Join(info.ExtKeyUsage, ", "))
	if len(detail.chain) > 0 {
		row("Chain", info.CommonName+" ← "+strings.Join(detail.chain, " ← "))
	}
	for _, ca := range d.m.cas {
		if r.Kind == engine.KindCA && ca.CertID == r.ID {
			row("CRL", crlText(certinfo.NewCRLState(ca.CRLNumber, ca.CRLNextUpdate, now)))
		}
	}
	return form
}

// actions are the buttons for what one can do with r.
func (d *detailPane) actions(r engine.Record) fyne.CanvasObject {
	export := widget.NewButtonWithIcon("Export…", theme.DocumentSaveIcon(), func() { d.m.exportCertificate(r) })
	export.Importance = widget.HighImportance
	actions := container.NewGridWithColumns(2, export)
	if r.Kind != engine.KindCA {
		if r.Revoked() {
			actions.Add(widget.NewButtonWithIcon("Unrevoke…", theme.ContentUndoIcon(), func() { d.m.unrevoke(r) }))
		} else {
			revoke := widget.NewButtonWithIcon("Revoke…", theme.CancelIcon(), func() { d.m.revoke(r) })
			revoke.Importance = widget.DangerImportance
			actions.Add(revoke)
		}
		actions.Add(widget.NewButtonWithIcon("Renew…", theme.ViewRefreshIcon(), func() { d.m.renew(r) }))
		if r.HasKey {
			actions.Add(widget.NewButtonWithIcon("Try on test server", theme.ComputerIcon(), func() {
				d.m.server.setTryAs(r)
				d.m.showTab(tabServer)
			}))
		}
	}
	actions.Add(widget.NewButtonWithIcon("Reminder…", theme.HistoryIcon(), func() { d.m.saveReminder(r) }))
	return actions
}

func statusImportance(s certinfo.Status) widget.Importance {
	switch s {
	case certinfo.Valid:
		return widget.SuccessImportance
	case certinfo.Expiring:
		return widget.WarningImportance
	case certinfo.NotYetValid:
		return widget.HighImportance
	}
	return widget.DangerImportance
}

// validityBar shows how much of the certificate's life is used, with the
// days left as text.
func validityBar(info certinfo.Info, status certinfo.Status) fyne.CanvasObject {
	bar := widget.NewProgressBar()
	total := info.NotAfter.Sub(info.NotBefore).Hours()
	left := float64(info.DaysLeft) * 24
	value := 1.0
	if total > 0 {
		value = min(1, max(0, 1-left/total))
	}
	bar.SetValue(value)
	bar.TextFormatter = func() string {
		switch {
		case status == certinfo.Revoked && info.DaysLeft >= 0:
			return fmt.Sprintf("revoked — it would have run %d more day(s)", info.DaysLeft)
		case status == certinfo.NotYetValid:
			return "not valid yet — starts " + info.NotBefore.Local().Format("2 Jan 2006")
		case info.DaysLeft < 0:
			return fmt.Sprintf("expired %d day(s) ago", -info.DaysLeft)
		case info.DaysLeft == 0:
			return "expires today"
		}
		return fmt.Sprintf("%d day(s) left", info.DaysLeft)
	}
	bar.Refresh()
	return bar
}

func fingerprintRow(m *mainView, label, value string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v := widget.NewLabelWithStyle(value, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	v.Wrapping = fyne.TextWrapBreak
	v.Selectable = true
	copyButton := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() { m.copyText(value, label+" fingerprint") })
	return container.NewBorder(nil, nil, l, copyButton, v)
}

// copyText puts text on the clipboard and says so.
func (m *mainView) copyText(text, what string) {
	m.app.fyneApp.Clipboard().SetContent(text)
	m.app.toast(what + " copied to the clipboard")
}
