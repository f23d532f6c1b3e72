package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// keyTable is a widget.Table whose Up and Down keys move the selection
// (Fyne's own move only a focus ring) and whose Enter or Space selects the
// focused cell; its columns stretch to use the width (see fillColumns).
type keyTable struct {
	widget.Table
	selected widget.TableCellID
	widths   []float32
	onSelect func(widget.TableCellID)
}

// newKeyTable makes a table with a header row, rows of the given columns'
// base widths, calling onSelect when a row is selected.
func newKeyTable(length func() (int, int), create func() fyne.CanvasObject,
	update func(widget.TableCellID, fyne.CanvasObject), widths []float32, onSelect func(widget.TableCellID)) *keyTable {
	t := &keyTable{selected: widget.TableCellID{Row: -1}, widths: widths, onSelect: onSelect}
	t.Length, t.CreateCell, t.UpdateCell = length, create, update
	t.ShowHeaderRow = true
	t.OnSelected = func(id widget.TableCellID) {
		t.selected = id
		if t.onSelect != nil {
			t.onSelect(id)
		}
	}
	t.OnUnselected = func(id widget.TableCellID) {
		if id == t.selected {
			t.selected = widget.TableCellID{Row: -1}
		}
	}
	t.ExtendBaseWidget(t)
	t.setWidths(1)
	return t
}

// TypedKey moves the selection with Up and Down; Enter selects.
func (t *keyTable) TypedKey(e *fyne.KeyEvent) {
	rows, _ := t.Length()
	switch e.Name {
	case fyne.KeyUp, fyne.KeyDown:
		row := t.selected.Row + 1
		if e.Name == fyne.KeyUp {
			row = t.selected.Row - 1
		}
		if rows == 0 || row < 0 || row >= rows {
			return
		}
		t.Select(widget.TableCellID{Row: row, Col: max(0, t.selected.Col)})
	case fyne.KeyReturn, fyne.KeyEnter:
		t.Table.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	default:
		t.Table.TypedKey(e)
	}
}

// Resize stretches the columns to fill the new width.
func (t *keyTable) Resize(size fyne.Size) {
	var sum float32
	for _, w := range t.widths {
		sum += w
	}
	if sum > 0 {
		t.setWidths(max(1, (size.Width-12)/sum))
	}
	t.Table.Resize(size)
}

func (t *keyTable) setWidths(scale float32) {
	for i, w := range t.widths {
		t.SetColumnWidth(i, w*scale)
	}
}

// focus gives the table the keyboard, as a tap on a cell should.
func (t *keyTable) focus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(t); c != nil {
		c.Focus(t)
	}
}
