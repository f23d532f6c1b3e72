package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
)

// expiryWindows are the "expiring soon" windows the user can choose.
var expiryWindows = []struct {
	label string
	days  int
}{{"within 7 days", 7}, {"within 30 days", 30}, {"within 60 days", 60}, {"within 90 days", 90}}

// expiringView is the banner above the table that says how many
// certificates expire soon, shows them, and renews them all; and the
// window select beside the status filter.
type expiringView struct {
	t       *certTable
	banner  *fyne.Container
	message *widget.Label
	window  *widget.Select
	days    int
	// The last count and what it was counted for (vault state, CA, window
	// and day): typing in the search box resets the table at every key,
	// and the count only changes with these.
	count    int
	countFor string
}

func newExpiringView(t *certTable) *expiringView {
	e := &expiringView{t: t, days: 30}
	e.message = widget.NewLabel("")
	e.message.Importance = widget.WarningImportance
	e.message.Truncation = fyne.TextTruncateEllipsis
	show := widget.NewButtonWithIcon("Show them", theme.VisibilityIcon(), e.showThem)
	show.Importance = widget.LowImportance
	renew := widget.NewButtonWithIcon("Renew all…", theme.ViewRefreshIcon(), e.renewAll)
	renew.Importance = widget.WarningImportance
	e.banner = container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), container.NewHBox(show, renew), e.message)
	e.banner.Hide()
	var labels []string
	for _, w := range expiryWindows {
		labels = append(labels, w.label)
	}
	e.window = widget.NewSelect(labels, func(label string) {
		for _, w := range expiryWindows {
			if w.label == label {
				e.days = w.days
			}
		}
		t.filter.ExpiringWithin = e.within()
		t.reset()
	})
	e.window.Selected = "within 30 days"
	e.window.Hide()
	return e
}

func (e *expiringView) within() time.Duration { return time.Duration(e.days) * 24 * time.Hour }

// filter is what "expiring soon" means now: person and server
// certificates (not CAs) of the selected CA that are still valid but end
// within the window.
func (e *expiringView) filter() engine.Filter {
	return engine.Filter{CAID: e.t.m.caID, Status: certinfo.Expiring, ExpiringWithin: e.within()}
}

// refresh recounts in the background; called whenever the table resets.
func (e *expiringView) refresh() {
	if e.t.m.app.engine == nil {
		return
	}
	e.window.Hidden = e.t.filter.Status != certinfo.Expiring
	j, f, days, lastKey := e.t.m.app.jobs(), e.filter(), e.days, e.countFor
	e.t.m.app.run.Run(func() func() {
		n, key, counted, err := j.expiringCount(f, days, lastKey)
		return func() {
			if counted {
				e.count, e.countFor = n, key
			}
			e.showBanner(err)
		}
	})
}

func (e *expiringView) showBanner(err error) {
	if err != nil || e.count == 0 || e.t.filter.Status == certinfo.Expiring {
		e.banner.Hide()
		return
	}
	e.message.SetText(fmt.Sprintf("%d certificate(s) expire %s.", e.count, e.window.Selected))
	e.banner.Show()
}

// showThem switches the table to the expiring view.
func (e *expiringView) showThem() {
	e.t.status.SetSelected(statusLabel(certinfo.Expiring))
}

// renewAll renews every certificate expiring within the window, with new
// keys, optionally revoking the old ones as superseded.
func (e *expiringView) renewAll() {
	m := e.t.m
	j, f := m.app.jobs(), e.filter()
	m.app.run.Run(func() func() {
		recs, err := j.list(f)
		return func() {
			if err != nil {
				m.app.showError("Reading the expiring certificates", err)
				return
			}
			e.confirmRenewals(recs)
		}
	})
}

// confirmRenewals asks before renewing those of recs that can be.
func (e *expiringView) confirmRenewals(recs []engine.Record) {
	m := e.t.m
	var todo []engine.Record
	for _, r := range recs {
		if r.Kind != engine.KindCA && r.HasKey {
			todo = append(todo, r)
		}
	}
	if len(todo) == 0 {
		dialog.ShowInformation("Nothing to renew", "No certificate with a key in the vault expires "+e.window.Selected+".", m.app.win)
		return
	}
	revokeOld := widget.NewCheck("Revoke the old certificates (reason: superseded)", nil)
	text := widget.NewLabel(fmt.Sprintf("%d certificate(s) expire %s. Each gets a new certificate with a new key and the same lifetime; "+
		"export them afterwards to hand them over.", len(todo), e.window.Selected))
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Renew expiring certificates", "Renew all", "Cancel", container.NewVBox(text, revokeOld), func(ok bool) {
		if ok {
			e.runRenewals(todo, revokeOld.Checked)
		}
	}, m.app.win)
	d.Resize(fyne.NewSize(460, d.MinSize().Height))
	d.Show()
}

func (e *expiringView) runRenewals(todo []engine.Record, revokeOld bool) {
	m := e.t.m
	ctx, cancel := context.WithCancel(m.app.ctx)
	bar := widget.NewProgressBar()
	progress := dialog.NewCustom("Renewing", "Stop", container.NewVBox(widget.NewLabel(fmt.Sprintf("Renewing %d certificate(s)…", len(todo))), bar), m.app.win)
	progress.SetOnClosed(cancel)
	progress.Resize(fyne.NewSize(400, progress.MinSize().Height))
	progress.Show()
	j, run := m.app.jobs(), m.app.run
	run.Run(func() func() {
		res := j.renewAll(ctx, todo, revokeOld, func(done float64) { run.Do(func() { bar.SetValue(done) }) })
		return func() {
			progress.Hide()
			cancel()
			m.reloadKeepingSelection()
			msg := fmt.Sprintf("Renewed %d of %d certificate(s).", res.renewed, len(todo))
			if res.stopped {
				msg += " Stopped before the end: the rest were left as they were."
			}
			for _, f := range res.failed {
				msg += "\n" + f
			}
			dialog.ShowInformation("Renewal done", msg, m.app.win)
		}
	})
}
