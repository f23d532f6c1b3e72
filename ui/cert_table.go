package ui

import (
	"fmt"
	"image/color"
	"strings"

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
	text  func(r vault.Record, m *mainView) string
}

var columns = []column{
	{"Status", 115, vault.SortStatus, func(r vault.Record, m *mainView) string { return statusLabel(r.Status(m.app.vault.Now())) }},
	{"Name", 180, vault.SortCommonName, func(r vault.Record, _ *mainView) string { return r.CommonName }},
	{"Expires", 112, vault.SortNotAfter, func(r vault.Record, _ *mainView) string { return r.NotAfter.Format("2006-01-02") }},
	{"E-mail / DNS", 190, "", func(r vault.Record, _ *mainView) string {
		return strings.Join(append(append([]string{}, r.Emails...), r.DNSNames...), ", ")
	}},
	{"Kind", 76, "", func(r vault.Record, _ *mainView) string { return string(r.Kind) }},
	{"Key", 112, vault.SortKeyType, func(r vault.Record, _ *mainView) string { return r.KeyType }},
	{"Serial", 300, vault.SortSerial, func(r vault.Record, _ *mainView) string { return r.Serial }},
}

// certTable is the searchable, sortable, virtualised list of certificates.
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
	selected int64 // record id, 0 for none
}

func newCertTable(m *mainView) *certTable {
	t := &certTable{m: m, pages: map[int][]vault.Record{}, filter: vault.Filter{Sort: vault.SortCommonName}}
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
	t.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
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
	options := []string{"All statuses"}
	for _, s := range certinfo.Statuses {
		options = append(options, statusLabel(s))
	}
	t.status = widget.NewSelect(options, func(choice string) {
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
	t.status.Selected = options[0]
	t.soon = newExpiringView(t)
	t.count = widget.NewLabel("")
	t.count.Importance = widget.LowImportance

	person := widget.NewButtonWithIcon("New person", theme.ContentAddIcon(), m.issuePerson)
	person.Importance = widget.HighImportance
	server := widget.NewButtonWithIcon("New server", theme.ComputerIcon(), m.issueServer)
	sign := widget.NewButtonWithIcon("Sign CSR…", theme.DocumentCreateIcon(), m.signCSR)
	csv := widget.NewButtonWithIcon("From CSV…", theme.UploadIcon(), m.issueFromCSV)
	toolbar := container.NewVBox(
		container.NewHBox(person, server, sign, csv),
		container.NewBorder(nil, nil, nil, container.NewHBox(t.soon.window, t.status), t.search),
		t.soon.banner,
	)
	t.content = container.NewBorder(toolbar, t.count, nil, nil, t.table)
	return t
}

// reset re-counts and drops the cached pages after any change of filter or data.
func (t *certTable) reset() {
	if t.m.app.vault == nil {
		return
	}
	t.filter.CAID = t.m.caID
	n, err := t.m.app.vault.Count(t.m.app.ctx, t.filter)
	if err != nil {
		t.m.app.showError("Counting certificates", err)
		return
	}
	t.total = n
	t.pages = map[int][]vault.Record{}
	t.count.SetText(fmt.Sprintf("%d certificate(s)", n))
	t.soon.refresh()
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

// row returns record i of the current filter, reading its page when needed.
func (t *certTable) row(i int) (vault.Record, bool) {
	if i < 0 || i >= t.total {
		return vault.Record{}, false
	}
	p := i / pageSize
	page, ok := t.pages[p]
	if !ok {
		if len(t.pages) > 50 {
			t.pages = map[int][]vault.Record{}
		}
		f := t.filter
		f.Limit, f.Offset = pageSize, p*pageSize
		recs, err := t.m.app.vault.List(t.m.app.ctx, f)
		if err != nil {
			return vault.Record{}, false
		}
		page = recs
		t.pages[p] = page
	}
	if i-p*pageSize >= len(page) {
		return vault.Record{}, false
	}
	return page[i-p*pageSize], true
}

// selectID selects the row of a record when it is in the first pages.
func (t *certTable) selectID(id int64) {
	for i := 0; i < min(t.total, 20*pageSize); i++ {
		if r, ok := t.row(i); ok && r.ID == id {
			t.table.Select(widget.TableCellID{Row: i, Col: 1})
			t.table.ScrollTo(widget.TableCellID{Row: i, Col: 1})
			return
		}
	}
}

func (t *certTable) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*cell)
	c.id = id
	r, ok := t.row(id.Row)
	if !ok {
		c.set("", nil)
		return
	}
	text := columns[id.Col].text(r, t.m)
	if id.Col == 0 {
		c.set(text, statusColour(r.Status(t.m.app.vault.Now())))
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
