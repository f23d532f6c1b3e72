package ui

import (
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// Picker asks the user for a file to open or a place to save. The desktop
// build uses the system's native dialogs; tests and headless builds use
// Fyne's own. Callbacks run on the UI goroutine; an empty path means the
// user cancelled.
type Picker interface {
	Open(title string, done func(path string))
	Save(title, suggestedName string, done func(path string))
	// Folder asks for a folder to write into (it may be new or empty).
	Folder(title string, done func(path string))
}

// FynePicker shows Fyne's file dialogs in a window.
type FynePicker struct{ Window fyne.Window }

// Open shows Fyne's open dialog.
func (p FynePicker) Open(title string, done func(string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			done("")
			return
		}
		r.Close()
		done(r.URI().Path())
	}, p.Window)
	d.SetTitleText(title)
	setStartFolder(d)
	d.Show()
}

// Save shows Fyne's save dialog. It only asks for the path: Certdesk
// writes the file itself, so key files get mode 0600.
func (p FynePicker) Save(title, suggested string, done func(string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			done("")
			return
		}
		path := w.URI().Path()
		w.Close()
		os.Remove(path) // Fyne created it 0644; Certdesk writes it afresh
		done(path)
	}, p.Window)
	d.SetTitleText(title)
	d.SetFileName(suggested)
	setStartFolder(d)
	d.Show()
}

// Folder shows Fyne's folder dialog.
func (p FynePicker) Folder(title string, done func(string)) {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil || l == nil {
			done("")
			return
		}
		done(l.Path())
	}, p.Window)
	d.SetTitleText(title)
	setStartFolder(d)
	d.Show()
}

func setStartFolder(d *dialog.FileDialog) {
	if home, err := os.UserHomeDir(); err == nil {
		if l, err := storage.ListerForURI(storage.NewFileURI(filepath.Clean(home))); err == nil {
			d.SetLocation(l)
		}
	}
}
