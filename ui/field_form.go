package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// fieldForm is a form dialog that keeps what was typed when something is
// wrong: a field's error shows right under that field, in the app's own
// words, and the dialog stays open until the work succeeds or the person
// cancels.
type fieldForm struct {
	d       dialog.Dialog
	form    *widget.Form
	problem *widget.Label // an error that belongs to no one field
	fields  []*formField
	submit  func(*fieldForm)
	width   float32
}

// formField is one row: the widget shown, the entry it edits (nil for a
// select or a check) and its error line.
type formField struct {
	entry *widget.Entry
	err   *widget.Label
	check func(string) error
}

func newFieldForm(title, submitText string, submit func(*fieldForm), win fyne.Window) *fieldForm {
	f := &fieldForm{form: widget.NewForm(), problem: wrapped(""), submit: submit}
	f.problem.Importance = widget.DangerImportance
	f.problem.Hide()
	f.form.SubmitText, f.form.CancelText = submitText, "Cancel"
	f.form.OnSubmit = f.trySubmit
	f.form.OnCancel = func() { f.d.Hide() }
	f.d = dialog.NewCustomWithoutButtons(title, container.NewVBox(f.problem, f.form), win)
	return f
}

// add puts a row in the form; entry (may be nil) is checked by check
// (may be nil) before submitting, and its error cleared when it changes.
func (f *fieldForm) add(label string, w fyne.CanvasObject, entry *widget.Entry, check func(string) error) *formField {
	ff := &formField{entry: entry, err: wrapped(""), check: check}
	ff.err.Importance = widget.DangerImportance
	ff.err.Hide()
	if entry != nil {
		previous := entry.OnChanged
		entry.OnChanged = func(s string) {
			ff.err.Hide()
			if previous != nil {
				previous(s)
			}
		}
	}
	f.fields = append(f.fields, ff)
	f.form.Append(label, container.NewVBox(w, ff.err))
	return ff
}

// trySubmit checks every field and submits when all are right.
func (f *fieldForm) trySubmit() {
	f.problem.Hide()
	ok := true
	for _, ff := range f.fields {
		if ff.entry != nil && ff.check != nil {
			if err := ff.check(ff.entry.Text); err != nil {
				ff.fail(err)
				ok = false
			}
		}
	}
	if !ok {
		f.fit()
		return
	}
	f.submit(f)
}

// fail shows err under the field.
func (ff *formField) fail(err error) {
	ff.err.SetText(capitalise(err.Error()))
	ff.err.Show()
}

// fail shows err under field, or above the form when field is nil; what
// was typed stays.
func (f *fieldForm) fail(field *formField, err error) {
	if field != nil {
		field.fail(err)
	} else {
		f.problem.SetText(capitalise(err.Error()))
		f.problem.Show()
	}
	f.fit()
}

// fit gives the dialog the height its rows need now.
func (f *fieldForm) fit() { f.d.Resize(fyne.NewSize(f.width, f.d.MinSize().Height)) }

func (f *fieldForm) show(width float32) {
	f.width = width
	f.fit()
	f.d.Show()
}

func (f *fieldForm) close() { f.d.Hide() }

// hinted is an entry that shows hint while empty.
func hinted(hint string) *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder(hint)
	return e
}

// hintedSecret is a password entry that shows hint while empty.
func hintedSecret(hint string) *widget.Entry {
	e := widget.NewPasswordEntry()
	e.SetPlaceHolder(hint)
	return e
}

// hintedLines is a multi-line entry of rows lines that shows hint while
// empty.
func hintedLines(hint string, rows int) *widget.Entry {
	e := widget.NewMultiLineEntry()
	e.SetPlaceHolder(hint)
	e.SetMinRowsVisible(rows)
	return e
}
