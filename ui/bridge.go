package ui

import "fyne.io/fyne/v2"

// Runner runs slow work off the UI goroutine and applies its result on it.
// This file is the only place where other goroutines reach widgets: always
// through fyne.Do.
type Runner interface {
	// Run calls work on another goroutine, then the func it returns on the
	// UI goroutine. work must not touch widgets.
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

// SyncRunner runs everything at once on the caller's goroutine, so tests
// see the result as soon as the triggering tap returns.
type SyncRunner struct{}

// Run runs work and applies its result immediately.
func (SyncRunner) Run(work func() func()) {
	if apply := work(); apply != nil {
		apply()
	}
}

// Do runs fn immediately.
func (SyncRunner) Do(fn func()) { fn() }
