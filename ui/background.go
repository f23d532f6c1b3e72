package ui

// The common shape of a view's job: run it, then on the UI goroutine
// either show its error in a dialog or go on with what it returned.

// background runs work as a job through the Runner, then on the UI
// goroutine hands what it returned to done, or shows its error in a
// dialog that starts with what.
func background[T any](u *App, what string, work func() (T, error), done func(T)) {
	u.run.Run(func() func() {
		v, err := work()
		return func() {
			if err != nil {
				u.showError(what, err)
				return
			}
			done(v)
		}
	})
}

// backgroundErr is background for work that returns only an error.
func backgroundErr(u *App, what string, work func() error, done func()) {
	background(u, what, func() (struct{}, error) { return struct{}{}, work() }, func(struct{}) { done() })
}

// openAndRead asks for a file (prompt), reads it with read as a job, and
// hands what was read to done; a failure is shown under what.
func openAndRead[T any](u *App, prompt, what string, read func(path string) (T, error), done func(T)) {
	u.picker.Open(prompt, func(path string) {
		if path != "" {
			background(u, what, func() (T, error) { return read(path) }, done)
		}
	})
}
