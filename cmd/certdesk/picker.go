package main

import (
	"errors"
	"os"
	"sync"

	"fyne.io/fyne/v2"
	"github.com/sqweek/dialog"

	"certdesk/ui"
)

// nativePicker shows the system's file dialogs (GTK on Linux) through
// sqweek/dialog, off the UI goroutine so the window keeps drawing, one at a
// time. When the native dialog cannot be shown it falls back to Fyne's.
type nativePicker struct {
	fallback ui.FynePicker
	runner   ui.BackgroundRunner
	mu       sync.Mutex
	open     bool
}

func newPicker(w fyne.Window) ui.Picker {
	if os.Getenv("CERTDESK_FYNE_DIALOGS") == "1" {
		return ui.FynePicker{Window: w}
	}
	return &nativePicker{fallback: ui.FynePicker{Window: w}}
}

func (p *nativePicker) Open(title string, done func(string)) {
	p.show(func() (string, error) { return dialog.File().Title(title).Load() }, func() { p.fallback.Open(title, done) }, done)
}

func (p *nativePicker) Save(title, suggested string, done func(string)) {
	p.show(func() (string, error) { return dialog.File().Title(title).SetStartFile(suggested).Save() }, func() { p.fallback.Save(title, suggested, done) }, done)
}

func (p *nativePicker) Folder(title string, done func(string)) {
	p.show(func() (string, error) { return dialog.Directory().Title(title).Browse() }, func() { p.fallback.Folder(title, done) }, done)
}

func (p *nativePicker) show(native func() (string, error), fallback func(), done func(string)) {
	p.mu.Lock()
	if p.open {
		p.mu.Unlock()
		return
	}
	p.open = true
	p.mu.Unlock()
	p.runner.Run(func() func() {
		path, err := native()
		p.mu.Lock()
		p.open = false
		p.mu.Unlock()
		return func() {
			switch {
			case errors.Is(err, dialog.ErrCancelled):
				done("")
			case err != nil:
				fallback()
			default:
				done(path)
			}
		}
	})
}
