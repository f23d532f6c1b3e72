package ui

import (
	"context"
	"errors"

	"certdesk/core/engine"
)

// followChanges calls changed (on its own goroutine) soon after each
// change any admin commits to a team vault, until ctx ends; the channel it
// returns is closed when it has stopped. A vault file announces no
// changes: it returns nil and calls nothing.
func (j jobs) followChanges(ctx context.Context, changed func()) <-chan struct{} {
	ch := j.v.Changes(ctx)
	if ch == nil {
		return nil
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-ch:
				changed()
			}
		}
	}()
	return done
}

// shown is what the window shows that another admin's change may alter:
// the certificate table's filter and the pages on screen, and the
// certificate in the detail pane.
type shown struct {
	gen      int // the table's reset count when it was taken
	filter   engine.Filter
	pages    []int
	selected int64 // 0 for none
}

// reread is what is shown, read again.
type reread struct {
	tree   caTree
	total  int
	pages  map[int][]engine.Record
	record engine.Record // the selected certificate; ID 0 when none or gone
	detail certDetail
	err    error
}

// readShown reads again only what is on screen: the CAs, the count and
// the visible pages of the table, and the selected certificate.
func (j jobs) readShown(s shown) reread {
	var out reread
	if out.tree, out.err = j.caTree(); out.err != nil {
		return out
	}
	if out.total, out.err = j.v.Count(j.ctx, s.filter); out.err != nil {
		return out
	}
	out.pages = map[int][]engine.Record{}
	for _, p := range s.pages {
		if out.pages[p], out.err = j.tablePage(s.filter, p); out.err != nil {
			return out
		}
	}
	if s.selected == 0 {
		return out
	}
	r, err := j.record(s.selected)
	if errors.Is(err, engine.ErrNotFound) {
		return out
	}
	if out.err = err; err == nil {
		out.record = r
		out.detail, out.err = j.detail(r)
	}
	return out
}
