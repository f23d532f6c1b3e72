package ui

import (
	"context"
	"reflect"

	"certdesk/core/engine"
)

// follower keeps an open team vault's window current: when another admin
// changes the vault (LISTEN/NOTIFY, engine.Changes), what is on screen is
// read again — the CAs, the visible rows, the selected certificate, the
// expiring-soon count, the test server's "connect as" choices — and
// shown through the Runner. No table is polled; a vault file, which
// announces nothing, is not followed.
type follower struct {
	ctx    context.Context
	cancel context.CancelFunc
	done   <-chan struct{} // closed when listening stopped; nil until it starts, or on a vault file
	// reading is true while a read is under way; again says a change came
	// meanwhile, so another read follows it.
	reading, again bool
}

// follow starts following the vault's changes, in a job.
func (m *mainView) follow() {
	ctx, cancel := context.WithCancel(m.app.ctx)
	f := &follower{ctx: ctx, cancel: cancel}
	m.live = f
	j, run := m.app.jobs(), m.app.run
	run.Run(func() func() {
		done := j.followChanges(ctx, func() { run.Do(func() { m.changed(f) }) })
		return func() { f.done = done }
	})
}

// unfollow stops following: after it no change touches a widget.
func (m *mainView) unfollow() {
	if m.live != nil {
		m.live.cancel()
	}
}

// changed reads again what is shown, one read at a time.
func (m *mainView) changed(f *follower) {
	if f.ctx.Err() != nil {
		return
	}
	if f.reading {
		f.again = true
		return
	}
	f.reading = true
	s, j := m.shown(), m.app.jobs()
	m.app.run.Run(func() func() {
		got := j.readShown(s)
		return func() {
			f.reading = false
			if f.ctx.Err() != nil {
				return
			}
			m.showReread(s, got)
			if f.again {
				f.again = false
				m.changed(f)
			}
		}
	})
}

// shown says what is on screen now.
func (m *mainView) shown() shown {
	t := m.table
	s := shown{gen: t.gen, filter: t.filter, selected: m.detail.record.ID}
	p := t.lastRow / pageSize
	for q := max(0, p-1); q <= p+1; q++ {
		if _, cached := t.pages[q]; cached || q == p {
			s.pages = append(s.pages, q)
		}
	}
	return s
}

// showReread shows what was read again.
func (m *mainView) showReread(s shown, got reread) {
	if got.err != nil {
		m.app.toast("Following the other admins' changes: " + got.err.Error())
		return
	}
	m.applyTree(got.tree)
	m.table.refreshed(s.gen, got.total, got.pages)
	m.table.soon.refresh()        // the expiring-soon banner recounts
	m.server.try.refreshChoices() // the people one can connect as
	if d := m.detail; got.record.ID != 0 && got.record.ID == d.record.ID && !reflect.DeepEqual(got.record, d.record) {
		d.record = got.record
		d.fill(got.record, got.detail)
	}
}

// refreshed shows pages read again after a change elsewhere, unless the
// filter changed since; other pages are read again when scrolled to.
func (t *certTable) refreshed(gen, total int, pages map[int][]engine.Record) {
	if gen != t.gen {
		return
	}
	t.total, t.pages = total, pages
	t.count.SetText(countText(total))
	t.table.Refresh()
	if t.selected == 0 {
		return
	}
	for p, page := range pages {
		for i, r := range page {
			if row := p*pageSize + i; r.ID == t.selected && row != t.table.selected.Row {
				t.selectRow(row) // it moved: another admin's row came before it
			}
		}
	}
}
