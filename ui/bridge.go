package ui

import (
	"sync"

	"fyne.io/fyne/v2"
)

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

// SyncRunner is the Runner of tests: Run does the work at once on the
// caller's goroutine, and Do queues fn until the test calls Drain, so no
// widget is ever touched from another goroutine.
type SyncRunner struct {
	mu    sync.Mutex
	queue []func()
}

// Run runs work and applies its result immediately.
func (*SyncRunner) Run(work func() func()) {
	if apply := work(); apply != nil {
		apply()
	}
}

// Do queues fn for Drain.
func (r *SyncRunner) Do(fn func()) {
	r.mu.Lock()
	r.queue = append(r.queue, fn)
	r.mu.Unlock()
}

// Drain runs what Do queued, on the caller's goroutine, and says how many.
func (r *SyncRunner) Drain() int {
	r.mu.Lock()
	q := r.queue
	r.queue = nil
	r.mu.Unlock()
	for _, fn := range q {
		fn()
	}
	return len(q)
}
