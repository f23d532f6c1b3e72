package ui

import "fyne.io/fyne/v2"

// Runner runs slow work off the UI goroutine and applies its result on it.
// It is the only bridge between other goroutines and widgets: work never
// touches a widget, apply and Do always run on the UI goroutine.
//
// Everything that reads the vault, a key, a file or the network is a job
// (see jobs.go): a plain function called inside work.
type Runner interface {
	// Run calls work on another goroutine, then the func it returns (when
	// not nil) on the UI goroutine. work must not touch widgets.
	Run(work func() (apply func()))
	// Do runs fn on the UI goroutine, from any goroutine.
	Do(fn func())
}

// BackgroundRunner is the Runner of the real app.
type BackgroundRunner struct{}

// Run starts work on a new goroutine.
func (BackgroundRunner) Run(work func() func()) {
	go func() {
		apply := work()
		if apply != nil {
			fyne.Do(apply)
		}
	}()
}

// Do hands fn to the UI goroutine.
func (BackgroundRunner) Do(fn func()) { fyne.Do(fn) }
