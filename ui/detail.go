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
	"certdesk/core/plain"
)

// detailPane shows the selected certificate and its actions.
type detailPane struct {
	m       *mainView
	content fyne.CanvasObject
	scroll  *container.Scroll
	body    *fyne.Container
	record  engine.Record
}

func newDetailPane(m *mainView) *detailPane {
	d := &detailPane{m: m, body: container.NewVBox()}
	d.clear()
	d.scroll = container.NewVScroll(container.NewPadded(d.body))
	d.content = d.scroll
	return d
}

func (d *detailPane) clear() {
	hint := widget.NewLabel("Select a certificate to see its details, export it, revoke it or renew it.")
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	d.record = engine.Record{}
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
	badge := wrapped(recordStatusText(r, now, d.m.cas))
	badge.TextStyle = fyne.TextStyle{Bold: true}
	badge.Importance = statusImportance(status)
	d.body.Objects = []fyne.CanvasObject{
		title, badge,
		validityBar(info, status),
		d.actions(r),
		widget.NewSeparator(),
		d.form(r, detail, now),
		fingerprintRow(d.m, "SHA-256", info.FingerprintSHA256),
		fingerprintRow(d.m, "SHA-1", info.FingerprintSHA1),
	}
	d.body.Refresh()
	d.scroll.ScrollToTop()
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
	row("Kind", kindText(r))
	row("Serial", info.Serial)
	row("Serial (decimal)", info.SerialDecimal)
	row("Valid from", plain.DateTime(info.NotBefore))
	row("Valid until", plain.DateTime(info.NotAfter))
	if r.Revoked() {
		row("Revoked", fmt.Sprintf("%s, because %s (by %s)", plain.DateTime(r.RevokedAt), plain.Reason(engine.ReasonName(r.RevocationReason)), detail.revokedBy))
	}
	row("Key", info.KeyType)
	row("E-mail", strings.Join(info.Emails, ", "))
	row("DNS names", strings.Join(info.DNSNames, ", "))
	row("IP addresses", strings.Join(info.IPAddresses, ", "))
	row("URIs", strings.Join(info.URIs, ", "))
	row("Made for", madeFor(info))
	if info.IsCA {
		row("Path length", caPathLen(info))
		row("Name constraints", strings.Join(info.NameConstraints, "\n"))
	}
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
			return fmt.Sprintf("revoked — it would have run %s more", plural(info.DaysLeft, "day"))
		case status == certinfo.NotYetValid:
			return "not valid yet — starts " + plain.Date(info.NotBefore)
		case info.DaysLeft < 0:
			return fmt.Sprintf("expired %s ago", plural(-info.DaysLeft, "day"))
		case info.DaysLeft == 0:
			return "expires today"
		}
		return plural(info.DaysLeft, "day") + " left"
	}
	bar.Refresh()
	return bar
}

func fingerprintRow(m *mainView, label, value string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	copyButton := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() { m.copyText(value, label+" fingerprint") })
	return container.NewBorder(nil, nil, l, copyButton, newColonLabel(value))
}

// madeFor says in plain words what the certificate's usages let it do.
func madeFor(info certinfo.Info) string {
	if len(info.ExtKeyUsage) == 0 && len(info.KeyUsage) == 0 {
		return ""
	}
	names := append(append([]string{}, info.ExtKeyUsage...), info.KeyUsage...)
	return plain.Usages(names) + " (" + strings.Join(names, ", ") + ")"
}

// plural is "1 day", "3 days".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// copyText puts text on the clipboard and says so.
func (m *mainView) copyText(text, what string) {
	m.app.fyneApp.Clipboard().SetContent(text)
	m.app.toast(what + " copied to the clipboard")
}
