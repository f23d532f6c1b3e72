package ui

import (
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
)

// pageSize is how many rows are read from the vault at a time: the table
// only asks for what is on screen, so 100,000 certificates cost a few pages.
const pageSize = 200

// row returns record i of the current filter when its page is in memory;
// otherwise it asks for the page and says false.
func (t *certTable) row(i int) (engine.Record, bool) {
	if i < 0 || i >= t.total {
		return engine.Record{}, false
	}
	p := i / pageSize
	page, ok := t.pages[p]
	if !ok {
		t.load(p)
		return engine.Record{}, false
	}
	if i-p*pageSize >= len(page) {
		return engine.Record{}, false
	}
	return page[i-p*pageSize], true
}

// maxPages bounds the pages kept in memory.
const maxPages = 50

// load reads page p in the background and refreshes the table when it
// arrives.
func (t *certTable) load(p int) {
	if t.loading[p] {
		return
	}
	if len(t.pages) >= maxPages {
		for q := range t.pages {
			if q < p-2 || q > p+2 {
				delete(t.pages, q)
			}
		}
	}
	t.loading[p] = true
	gen, f, j := t.gen, t.filter, t.m.app.jobs()
	t.m.app.run.Run(func() func() {
		recs, err := j.tablePage(f, p)
		return func() {
			if gen != t.gen {
				return
			}
			delete(t.loading, p)
			if err != nil {
				t.m.app.toast("Reading the certificates: " + err.Error())
				return
			}
			t.pages[p] = recs
			t.table.Refresh()
		}
	})
}

// selectRows is how far selectID looks for a record.
const selectRows = 20 * pageSize

// selectID selects the row of a record when it is in the first pages;
// it looks in the background when they are not in memory.
func (t *certTable) selectID(id int64) {
	for p, page := range t.pages {
		for i, r := range page {
			if r.ID == id {
				t.selectRow(p*pageSize + i)
				return
			}
		}
	}
	gen, f, j := t.gen, t.filter, t.m.app.jobs()
	t.m.app.run.Run(func() func() {
		i, err := j.rowOf(f, id, selectRows)
		if err == nil && i < 0 {
			return func() { t.hidden(gen, id) }
		}
		if err != nil {
			return nil
		}
		page, err := j.tablePage(f, i/pageSize)
		return func() {
			if gen == t.gen && err == nil {
				t.pages[i/pageSize] = page
				t.selectRow(i)
			}
		}
	})
}

// hidden clears the detail pane when the filter hides its certificate:
// no certificate stays on show that the list does not.
func (t *certTable) hidden(gen int, id int64) {
	if gen == t.gen && t.selected == id {
		t.selected = 0
		t.m.detail.clear()
	}
}

func (t *certTable) selectRow(i int) {
	t.table.Select(widget.TableCellID{Row: i, Col: 1})
	t.table.ScrollTo(widget.TableCellID{Row: i, Col: 1})
}
