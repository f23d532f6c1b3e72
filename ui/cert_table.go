package ui

import (
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/certinfo"
	"certdesk/core/vault"
)

// pageSize is how many rows are read from the vault at a time: the table
// only asks for what is on screen, so 100,000 certificates cost a few pages.
const pageSize = 200

type column struct {
	title string
	width float32
	sort  vault.SortKey
	text  func(r vault.Record, now time.Time) string
}

var columns = []column{
	{"Status", 115, vault.SortStatus, func(r vault.Record, now time.Time) string { return statusLabel(r.Status(now)) }},
	{"Name", 180, vault.SortCommonName, func(r vault.Record, _ time.Time) string { return r.CommonName }},
	{"Expires", 112, vault.SortNotAfter, func(r vault.Record, _ time.Time) string { return r.NotAfter.Format("2006-01-02") }},
	{"E-mail / DNS", 190, "", func(r vault.Record, _ time.Time) string {
		return strings.Join(append(append([]string{}, r.Emails...), r.DNSNames...), ", ")
	}},
	{"Kind", 76, "", func(r vault.Record, _ time.Time) string { return string(r.Kind) }},
	{"Key", 112, vault.SortKeyType, func(r vault.Record, _ time.Time) string { return r.KeyType }},
	{"Serial", 300, vault.SortSerial, func(r vault.Record, _ time.Time) string { return r.Serial }},
}

// certTable is the searchable, sortable, virtualised list of certificates.
// Its rows come in pages read in the background; the cell update only
// reads the pages in memory, and asks for a missing one.
type certTable struct {
	m       *mainView
	content fyne.CanvasObject
	table   *widget.Table
	search  *widget.Entry
	status  *widget.Select
	count   *widget.Label
	soon    *expiringView

	filter   vault.Filter
	total    int
	pages    map[int][]vault.Record
	loading  map[int]bool // pages being read
	gen      int          // counts resets: pages read for an older filter are dropped
	selected int64        // record id, 0 for none
}

func newCertTable(m *mainView) *certTable {
	t := &certTable{m: m, pages: map[int][]vault.Record{}, loading: map[int]bool{}, filter: vault.Filter{Sort: vault.SortCommonName}}
	t.table = widget.NewTableWithHeaders(
		func() (int, int) { return t.total, len(columns) },
		func() fyne.CanvasObject { return newCell(t) },
		t.updateCell,
	)
	t.table.ShowHeaderColumn = false
	t.table.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		return b
	}
	t.table.UpdateHeader = t.updateHeader
	for i, c := range columns {
		t.table.SetColumnWidth(i, c.width)
	}
	t.table.OnSelected = func(id widget.TableCellID) {
		if r, ok := t.row(id.Row); ok {
			t.selected = r.ID
			m.detail.show(r)
			m.server.setTryAs(r)
		}
	}
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
	return container.NewVBox(
		container.NewHBox(person, server, sign, csv),
		container.NewBorder(nil, nil, nil, container.NewHBox(t.soon.window, t.status), t.search),
		t.soon.banner,
	)
}

func (t *certTable) now() time.Time { return t.m.app.jobs().now() }

// reset counts again and reads the first page in the background, after
// any change of filter or data; older pages are dropped when it arrives.
func (t *certTable) reset() {
	if t.m.app.vault == nil {
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
func (t *certTable) started(gen, n int, page []vault.Record, err error) {
	if gen != t.gen {
		return
	}
	if err != nil {
		t.m.app.showError("Reading the certificates", err)
		return
	}
	t.total = n
	t.pages, t.loading = map[int][]vault.Record{0: page}, map[int]bool{}
	t.count.SetText(fmt.Sprintf("%d certificate(s)", n))
	t.table.UnselectAll()
	t.table.Refresh()
	if t.selected != 0 {
		t.selectID(t.selected)
	}
}

func (t *certTable) sortBy(key vault.SortKey) {
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

// row returns record i of the current filter when its page is in memory;
// otherwise it asks for the page and says false.
func (t *certTable) row(i int) (vault.Record, bool) {
	if i < 0 || i >= t.total {
		return vault.Record{}, false
	}
	p := i / pageSize
	page, ok := t.pages[p]
	if !ok {
		t.load(p)
		return vault.Record{}, false
	}
	if i-p*pageSize >= len(page) {
		return vault.Record{}, false
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
		if err != nil || i < 0 {
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

func (t *certTable) selectRow(i int) {
	t.table.Select(widget.TableCellID{Row: i, Col: 1})
	t.table.ScrollTo(widget.TableCellID{Row: i, Col: 1})
}

func (t *certTable) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*cell)
	c.id = id
	r, ok := t.row(id.Row)
	if !ok {
		c.set("", nil)
		return
	}
	now := t.now()
	text := columns[id.Col].text(r, now)
	if id.Col == 0 {
		c.set(text, statusColour(r.Status(now)))
		return
	}
	c.set(text, nil)
}

// cell is a table cell that also opens a context menu on a secondary tap.
type cell struct {
	widget.BaseWidget
	t     *certTable
	id    widget.TableCellID
	label *widget.Label
	dot   *canvas.Circle
}

func newCell(t *certTable) *cell {
	c := &cell{t: t, label: widget.NewLabel("template text"), dot: canvas.NewCircle(color.Transparent)}
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.ExtendBaseWidget(c)
	return c
}

func (c *cell) set(text string, dot color.Color) {
	c.label.SetText(text)
	if dot == nil {
		c.dot.Hide()
	} else {
		c.dot.FillColor = dot
		c.dot.Show()
		c.dot.Refresh()
	}
}

func (c *cell) CreateRenderer() fyne.WidgetRenderer {
	size := theme.IconInlineSize() * 0.6
	dot := container.NewCenter(container.NewGridWrap(fyne.NewSize(size, size), c.dot))
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, dot, nil, c.label))
}

// Tapped selects the row, as a plain table cell would.
func (c *cell) Tapped(*fyne.PointEvent) { c.t.table.Select(c.id) }

// TappedSecondary opens the row's context menu.
func (c *cell) TappedSecondary(e *fyne.PointEvent) {
	c.t.table.Select(c.id)
	r, ok := c.t.row(c.id.Row)
	if !ok {
		return
	}
	m := c.t.m
	items := []*fyne.MenuItem{
		fyne.NewMenuItem("Export…", func() { m.exportCertificate(r) }),
	}
	if r.Kind != vault.KindCA {
		if r.Revoked() {
			items = append(items, fyne.NewMenuItem("Unrevoke…", func() { m.unrevoke(r) }))
		} else {
			items = append(items, fyne.NewMenuItem("Revoke…", func() { m.revoke(r) }))
		}
		items = append(items, fyne.NewMenuItem("Renew…", func() { m.renew(r) }))
	}
	items = append(items, fyne.NewMenuItem("Calendar reminder…", func() { m.saveReminder(r) }))
	items = append(items, fyne.NewMenuItem("Copy SHA-256 fingerprint", func() { m.copyText(r.FingerprintSHA256, "SHA-256 fingerprint") }))
	canvasOf := fyne.CurrentApp().Driver().CanvasForObject(c)
	if canvasOf == nil {
		return
	}
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), canvasOf, e.AbsolutePosition)
}
