package ui

import (
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/plain"
)

// column is one column of the certificate table: its title, base width
// (the table stretches them to its width), the sort it stands for (none
// when empty) and its text for a record.
type column struct {
	title string
	width float32
	sort  engine.SortKey
	text  func(r engine.Record, now time.Time, cas []engine.CA) string
}

var columns = []column{
	{"Status", 256, engine.SortStatus, func(r engine.Record, now time.Time, cas []engine.CA) string { return recordStatusText(r, now, cas) }},
	{"Name", 160, engine.SortCommonName, func(r engine.Record, _ time.Time, _ []engine.CA) string { return r.CommonName }},
	{"Kind", 76, "", func(r engine.Record, _ time.Time, _ []engine.CA) string { return kindText(r) }},
	{"Expires", 148, engine.SortNotAfter, func(r engine.Record, _ time.Time, _ []engine.CA) string { return plain.Date(r.NotAfter) }},
	{"E-mail / DNS", 170, "", func(r engine.Record, _ time.Time, _ []engine.CA) string {
		return strings.Join(append(append([]string{}, r.Emails...), r.DNSNames...), ", ")
	}},
	{"Key", 112, engine.SortKeyType, func(r engine.Record, _ time.Time, _ []engine.CA) string { return r.KeyType }},
	{"Serial", 300, engine.SortSerial, func(r engine.Record, _ time.Time, _ []engine.CA) string { return r.Serial }},
}

// cell is a table cell that also opens a context menu on a secondary tap.
type cell struct {
	widget.BaseWidget
	t     *certTable
	id    widget.TableCellID
	label *widget.Label
	dot   *canvas.Circle
	dotIn *fyne.Container // hidden with the dot, so the text gets its room
}

func newCell(t *certTable) *cell {
	c := &cell{t: t, label: widget.NewLabel("template text"), dot: canvas.NewCircle(color.Transparent)}
	c.label.Truncation = fyne.TextTruncateEllipsis
	size := theme.IconInlineSize() * 0.6
	c.dotIn = container.NewCenter(container.NewGridWrap(fyne.NewSize(size, size), c.dot))
	c.ExtendBaseWidget(c)
	return c
}

func (c *cell) set(text string, dot color.Color) {
	c.label.SetText(text)
	if dot == nil {
		c.dotIn.Hide()
	} else {
		c.dot.FillColor = dot
		c.dotIn.Show()
		c.dot.Refresh()
	}
}

func (c *cell) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, c.dotIn, nil, c.label))
}

// Tapped selects the row, as a plain table cell would.
func (c *cell) Tapped(*fyne.PointEvent) {
	c.t.table.Select(c.id)
	c.t.table.focus()
}

// TappedSecondary opens the row's context menu.
func (c *cell) TappedSecondary(e *fyne.PointEvent) {
	c.t.table.Select(c.id)
	r, ok := c.t.row(c.id.Row)
	if !ok {
		return
	}
	items := rowMenu(c.t.m, r)
	canvasOf := fyne.CurrentApp().Driver().CanvasForObject(c)
	if canvasOf == nil {
		return
	}
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), canvasOf, e.AbsolutePosition)
}
