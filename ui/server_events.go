package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/mtls"
)

// eventLog is the right side of the server tab: every connection, newest
// first, and the details of the selected one.
type eventLog struct {
	s       *serverTab
	content fyne.CanvasObject
	table   *widget.Table
	details *widget.Label
	events  []mtls.Event // newest first
	batch   eventBatch
}

type eventColumn struct {
	title string
	width float32
}

var eventColumns = []eventColumn{{"Time", 76}, {"Verdict", 128}, {"HTTP", 64}, {"Name", 150}, {"From", 130}, {"Why", 640}}

func newEventLog(s *serverTab) *eventLog {
	e := &eventLog{s: s}
	e.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(e.events), len(eventColumns) },
		func() fyne.CanvasObject {
			return container.NewPadded(canvas.NewText("template", theme.Color(theme.ColorNameForeground)))
		},
		e.updateCell,
	)
	e.table.ShowHeaderColumn = false
	e.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	e.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(eventColumns) {
			o.(*widget.Label).SetText(eventColumns[id.Col].title)
		}
	}
	for i, c := range eventColumns {
		e.table.SetColumnWidth(i, c.width)
	}
	e.details = widget.NewLabel("Every connection appears here as it happens, newest first. Select one for all its details.")
	e.details.Wrapping = fyne.TextWrapWord
	e.details.Selectable = true
	e.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(e.events) {
			e.details.SetText(eventDetails(e.events[id.Row]))
		}
	}
	header := widget.NewLabelWithStyle("Connections", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	detailsScroll := container.NewVScroll(e.details)
	detailsScroll.SetMinSize(fyne.NewSize(0, 130))
	e.content = container.NewBorder(header, detailsScroll, nil, nil, e.table)
	return e
}

func (e *eventLog) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	t := o.(*fyne.Container).Objects[0].(*canvas.Text)
	t.Text, t.Color, t.TextStyle = "", theme.Color(theme.ColorNameForeground), fyne.TextStyle{}
	if id.Row >= 0 && id.Row < len(e.events) {
		t.Text = eventCellText(e.events[id.Row], id.Col)
		if id.Col == 1 {
			t.Color = theme.Color(verdictColourName(e.events[id.Row].Verdict))
			t.TextStyle = fyne.TextStyle{Bold: true}
		}
	}
	t.Refresh()
}

func eventCellText(e mtls.Event, col int) string {
	switch col {
	case 0:
		return e.Time.Local().Format("15:04:05")
	case 1:
		return string(e.Verdict)
	case 2:
		if e.HTTPStatus != 0 {
			return fmt.Sprint(e.HTTPStatus)
		}
		return "refused"
	case 3:
		if e.Info != nil {
			return e.CommonName
		}
		return "—"
	case 4:
		return e.Remote
	case 5:
		return e.Explanation
	}
	return ""
}

// flush moves the batched events into the table with one refresh. UI
// goroutine only.
func (e *eventLog) flush() {
	batch, dropped := e.batch.take()
	if len(batch) == 0 {
		return
	}
	fresh := make([]mtls.Event, 0, len(batch)+len(e.events))
	for i := len(batch) - 1; i >= 0; i-- {
		fresh = append(fresh, batch[i])
	}
	fresh = append(fresh, e.events...)
	if len(fresh) > maxShownEvents {
		fresh = fresh[:maxShownEvents]
	}
	e.events = fresh
	e.table.Refresh()
	e.s.lifecycle.showCount(dropped)
}

func eventDetails(e mtls.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s  from %s\n", strings.ToUpper(string(e.Verdict)), e.Time.Local().Format("2006-01-02 15:04:05"), e.Remote)
	for _, d := range e.Details {
		fmt.Fprintf(&b, "• %s\n", d)
	}
	if len(e.Details) == 0 {
		fmt.Fprintf(&b, "• %s\n", e.Explanation)
	}
	fmt.Fprintf(&b, "nginx would say %s · reasons %v · HTTP %d · mode %s", e.NginxVerify, e.Reasons, e.HTTPStatus, e.Mode)
	if e.TLSVersion != "" {
		fmt.Fprintf(&b, " · %s %s · SNI %q", e.TLSVersion, e.Cipher, e.SNI)
	}
	b.WriteString("\n")
	if e.Info != nil {
		fmt.Fprintf(&b, "Subject %s · Issuer %s · Serial %s · valid until %s\nSHA-256 %s\n", e.Subject, e.Issuer, e.Serial, e.NotAfter.Format("2006-01-02"), e.FingerprintSHA256)
	}
	if e.Error != "" {
		fmt.Fprintf(&b, "Error: %s\n", e.Error)
	}
	return b.String()
}
