package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/mtls"
	"certdesk/core/plain"
)

// eventLog is the right side of the server tab: every connection, newest
// first (browser preconnects folded unless asked for), and the selected
// one — or the newest — told as a checklist below.
type eventLog struct {
	s           *serverTab
	content     fyne.CanvasObject
	table       *keyTable
	checklist   *fyne.Container
	scroll      *container.Scroll
	folded      *widget.Check
	events      []mtls.Event // newest first, all of them
	shown       []mtls.Event // what the table shows
	preconnects bool         // show browser preconnects
	batch       eventBatch
}

type eventColumn struct {
	title string
	width float32
}

var eventColumns = []eventColumn{{"Time (UTC)", 84}, {"Outcome", 110}, {"Who", 140}, {"Why", 270}, {"HTTP", 150}}

func newEventLog(s *serverTab) *eventLog {
	e := &eventLog{s: s, checklist: container.NewVBox()}
	widths := make([]float32, len(eventColumns))
	for i, c := range eventColumns {
		widths[i] = c.width
	}
	e.table = newKeyTable(func() (int, int) { return len(e.shown), len(eventColumns) },
		func() fyne.CanvasObject {
			return container.NewPadded(canvas.NewText("template", theme.Color(theme.ColorNameForeground)))
		}, e.updateCell, widths, func(id widget.TableCellID) {
			if id.Row >= 0 && id.Row < len(e.shown) {
				e.showChecklist(e.shown[id.Row])
			}
		})
	e.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	e.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(eventColumns) {
			o.(*widget.Label).SetText(eventColumns[id.Col].title)
		}
	}
	e.folded = widget.NewCheck("Show browser preconnects", func(on bool) {
		e.preconnects = on
		e.refilter()
	})
	e.checklist.Add(faint("Every connection appears above as it happens, newest first, and the newest one is told here step by step. " +
		"Select a connection to see its steps."))
	e.scroll = container.NewVScroll(container.NewPadded(e.checklist))
	header := container.NewBorder(nil, nil, widget.NewLabelWithStyle("Connections", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), e.folded)
	split := container.NewVSplit(container.NewBorder(header, nil, nil, nil, e.table), e.scroll)
	split.Offset = 0.3
	e.content = split
	return e
}

func (e *eventLog) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	t := o.(*fyne.Container).Objects[0].(*canvas.Text)
	t.Text, t.Color, t.TextStyle = "", theme.Color(theme.ColorNameForeground), fyne.TextStyle{}
	if id.Row >= 0 && id.Row < len(e.shown) {
		ev := e.shown[id.Row]
		t.Text = eventCellText(ev, id.Col)
		if id.Col == 1 {
			t.Color = theme.Color(outcomeColourName(ev))
			t.TextStyle = fyne.TextStyle{Bold: true}
		}
	}
	t.Refresh()
}

func outcomeColourName(e mtls.Event) fyne.ThemeColorName {
	switch e.Outcome {
	case mtls.PreconnectOutcome, mtls.NotTLSOutcome:
		return theme.ColorNameDisabled
	case mtls.FailedOutcome:
		return theme.ColorNameWarning
	}
	return verdictColourName(e.Verdict)
}

func eventCellText(e mtls.Event, col int) string {
	switch col {
	case 0:
		return e.Time.UTC().Format("15:04:05")
	case 1:
		return e.Outcome.Label()
	case 2:
		if e.Info != nil {
			return e.CommonName
		}
		return "—"
	case 3:
		switch {
		case e.Outcome == mtls.PreconnectOutcome:
			return "a spare connection, not a refusal"
		case e.Outcome == mtls.LetIn && e.Info != nil:
			return "every check passed"
		}
		return plain.Verdict(e.Verdict)
	case 4:
		return httpCell(e) // where from is in the checklist's heading
	}
	return ""
}

// httpCell is the HTTP status with its meaning in a word or two.
func httpCell(e mtls.Event) string {
	switch {
	case e.HTTPStatus != 0:
		return fmt.Sprintf("%d %s", e.HTTPStatus, map[int]string{200: "let in", 400: "no certificate", 403: "refused", 404: "no such page"}[e.HTTPStatus])
	case e.Outcome == mtls.RefusedOutcome:
		return "none: ended in TLS"
	}
	return "none"
}

// flush moves the batched events into the table with one refresh and
// tells the newest as a checklist. UI goroutine only.
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
	e.refilter()
	e.s.lifecycle.showCount(dropped)
}

// refilter shows the events, folding the preconnects unless asked for,
// and tells the newest shown one.
func (e *eventLog) refilter() {
	e.shown = e.shown[:0]
	hidden := 0
	for _, ev := range e.events {
		if ev.Preconnect && !e.preconnects {
			hidden++
			continue
		}
		e.shown = append(e.shown, ev)
	}
	e.folded.Text = "Show browser preconnects"
	if hidden > 0 {
		e.folded.Text = fmt.Sprintf("Show browser preconnects (%d folded)", hidden)
	}
	e.folded.Refresh()
	e.table.UnselectAll()
	e.table.Refresh()
	if len(e.shown) > 0 {
		e.showChecklist(e.shown[0])
	}
}

// showChecklist tells ev step by step, from the top.
func (e *eventLog) showChecklist(ev mtls.Event) {
	e.checklist.Objects = []fyne.CanvasObject{checklistView(ev)}
	e.checklist.Refresh()
	e.scroll.ScrollToTop()
}

// clearChecklist empties the checklist while a new try connects.
func (e *eventLog) clearChecklist(what string) {
	e.checklist.Objects = []fyne.CanvasObject{faint(what)}
	e.checklist.Refresh()
}
