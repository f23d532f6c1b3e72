package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
)

// certTable is the searchable, sortable, virtualised list of certificates.
// Its rows come in pages read in the background; the cell update only
// reads the pages in memory, and asks for a missing one.
type certTable struct {
	m       *mainView
	content fyne.CanvasObject
	table   *keyTable
	search  *widget.Entry
	status  *widget.Select
	count   *widget.Label
	soon    *expiringView
	issue   []*widget.Button // disabled for a trust-only CA

	filter   engine.Filter
	total    int
	pages    map[int][]engine.Record
	loading  map[int]bool // pages being read
	gen      int          // counts resets: pages read for an older filter are dropped
	selected int64        // record id, 0 for none
	lastRow  int          // the row drawn last: the visible rows are near it
}

func newCertTable(m *mainView) *certTable {
	t := &certTable{m: m, pages: map[int][]engine.Record{}, loading: map[int]bool{}, filter: engine.Filter{Sort: engine.SortCommonName}}
	widths := make([]float32, len(columns))
	for i, c := range columns {
		widths[i] = c.width
	}
	t.table = newKeyTable(func() (int, int) { return t.total, len(columns) },
		func() fyne.CanvasObject { return newCell(t) }, t.updateCell, widths, t.chose)
	t.table.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		return b
	}
	t.table.UpdateHeader = t.updateHeader
	t.search = widget.NewEntry()
	t.search.SetPlaceHolder("Search name, e-mail, DNS, serial or fingerprint")
	t.search.OnChanged = func(s string) {
		t.filter.Search = s
		t.reset()
	}
	t.status = t.statusFilter()
	t.soon = newExpiringView(t)
	t.count = widget.NewLabel("")
	t.count.Importance = widget.LowImportance
	t.content = container.NewBorder(t.toolbar(), t.count, nil, nil, t.table)
	return t
}

// chose shows the selected row's certificate.
func (t *certTable) chose(id widget.TableCellID) {
	if r, ok := t.row(id.Row); ok {
		t.selected = r.ID
		t.m.detail.show(r)
		t.m.server.setTryAs(r)
	}
}

func (t *certTable) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	b := o.(*widget.Button)
	if id.Col < 0 || id.Col >= len(columns) {
		b.SetText("")
		return
	}
	col := columns[id.Col]
	text := col.title
	if col.sort != "" && col.sort == t.filter.Sort {
		text += map[bool]string{false: " ▲", true: " ▼"}[t.filter.Descending]
	}
	b.SetText(text)
	b.OnTapped = func() { t.sortBy(col.sort) }
}

// statusFilter is the select of the status to show.
func (t *certTable) statusFilter() *widget.Select {
	options := []string{"All statuses"}
	for _, s := range certinfo.Statuses {
		options = append(options, statusLabel(s))
	}
	sel := widget.NewSelect(options, func(choice string) {
		t.filter.Status = ""
		for _, s := range certinfo.Statuses {
			if statusLabel(s) == choice {
				t.filter.Status = s
			}
		}
		t.filter.ExpiringWithin = 0
		if t.filter.Status == certinfo.Expiring {
			t.filter.ExpiringWithin = t.soon.within()
		}
		t.reset()
	})
	sel.Selected = options[0]
	return sel
}

func (t *certTable) toolbar() fyne.CanvasObject {
	m := t.m
	person := widget.NewButtonWithIcon("New person", theme.ContentAddIcon(), m.issuePerson)
	person.Importance = widget.HighImportance
	server := widget.NewButtonWithIcon("New server", theme.ComputerIcon(), m.issueServer)
	sign := widget.NewButtonWithIcon("Sign CSR…", theme.DocumentCreateIcon(), m.signCSR)
	csv := widget.NewButtonWithIcon("From CSV…", theme.UploadIcon(), m.issueFromCSV)
	t.issue = []*widget.Button{person, server, sign, csv}
	g := m.gates()
	g.need(engine.ActIssue, person, server, sign, csv)
	return container.NewVBox(
		container.NewHBox(person, server, sign, csv), g.note,
		container.NewBorder(nil, nil, nil, container.NewHBox(t.soon.window, t.status), t.search),
		t.soon.banner,
	)
}

func (t *certTable) now() time.Time { return t.m.app.jobs().now() }

// reset counts again and reads the first page in the background, after
// any change of filter or data; older pages are dropped when it arrives.
func (t *certTable) reset() {
	if t.m.app.engine == nil {
		return
	}
	t.filter.CAID = t.m.caID
	t.gen++
	gen, f, j := t.gen, t.filter, t.m.app.jobs()
	t.soon.refresh()
	t.m.app.run.Run(func() func() {
		n, page, err := j.tableStart(f)
		return func() { t.started(gen, n, page, err) }
	})
}

// started shows the first page of a reset.
func (t *certTable) started(gen, n int, page []engine.Record, err error) {
	if gen != t.gen {
		return
	}
	if err != nil {
		t.m.app.showError("Reading the certificates", err)
		return
	}
	t.total = n
	t.pages, t.loading = map[int][]engine.Record{0: page}, map[int]bool{}
	t.count.SetText(countText(n))
	t.table.UnselectAll()
	t.table.Refresh()
	if t.selected != 0 {
		t.selectID(t.selected)
	}
}

// countText says how many certificates the filter finds.
func countText(n int) string { return fmt.Sprintf("%d certificate(s)", n) }

func (t *certTable) sortBy(key engine.SortKey) {
	if key == "" {
		return
	}
	if t.filter.Sort == key {
		t.filter.Descending = !t.filter.Descending
	} else {
		t.filter.Sort, t.filter.Descending = key, false
	}
	t.reset()
}

func (t *certTable) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*cell)
	c.id = id
	t.lastRow = id.Row
	r, ok := t.row(id.Row)
	if !ok {
		c.set("", nil)
		return
	}
	now := t.now()
	text := columns[id.Col].text(r, now, t.m.cas)
	if id.Col == 0 {
		c.set(text, statusColour(r.Status(now)))
		return
	}
	c.set(text, nil)
}

// canIssue enables the issuing buttons, or disables them for a CA held
// without its key, and for a role that may not issue.
func (t *certTable) canIssue(can bool) {
	for _, b := range t.issue {
		t.m.enableIf(b, engine.ActIssue, can)
	}
}
