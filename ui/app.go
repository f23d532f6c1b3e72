// Package ui is Certdesk's desktop interface in Fyne: the welcome flow, the
// certificate views, the dialogs and the test-server tab, over core/. It
// holds no SQL, and never imports fyne.io/fyne/v2/app, so its tests run
// headless.
//
// The UI goroutine never waits. Every call that reads or writes the vault,
// a key, a file or the network is a job: a small method in jobs*.go (or
// server_tryfiles.go) that takes and returns plain values. Views start
// jobs through the Runner (bridge.go) and change widgets only in the apply
// the job returns. The tests' Runner runs jobs on other goroutines too, so
// `go test -race` fails a test whose job touches a widget.
//
// On a team vault (PostgreSQL) the window names the signed-in admin and
// hides what their role may not do, saying why (roles.go, over engine's
// one table of rights), and follows other admins' changes (live.go).
package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"certdesk/core/engine"
	"certdesk/core/mtls"
)

// Options say how the app starts.
type Options struct {
	// VaultPath is the vault to open or create (default: the user's config folder).
	VaultPath string
	// Demo starts straight into a fresh demo vault with the server running.
	Demo bool
	// StartTab is "certificates" (default) or "server".
	StartTab string
	// ServerAddr is where the test server listens (default 127.0.0.1:8443).
	ServerAddr string
	Picker     Picker // default: Fyne's dialogs
	Runner     Runner // default: BackgroundRunner
}

// App is the running interface of one window.
type App struct {
	fyneApp fyne.App
	win     fyne.Window
	opts    Options
	ctx     context.Context
	picker  Picker
	run     Runner

	engine *engine.Engine
	me     signedIn // the admin of a team vault; zero on a vault file
	main   *mainView
}

// New prepares the app in a window; call Start to show something.
func New(a fyne.App, w fyne.Window, opts Options) *App {
	if opts.Runner == nil {
		opts.Runner = BackgroundRunner{}
	}
	if opts.Picker == nil {
		opts.Picker = FynePicker{Window: w}
	}
	if opts.ServerAddr == "" {
		opts.ServerAddr = mtls.DefaultAddr
	}
	if opts.VaultPath == "" {
		if p, err := engine.DefaultPath(); err == nil {
			opts.VaultPath = p
		}
	}
	u := &App{fyneApp: a, win: w, opts: opts, ctx: context.Background(), picker: opts.Picker, run: opts.Runner}
	w.SetMainMenu(u.menu())
	u.addShortcuts()
	w.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { u.dropped(uris) })
	return u
}

// Start shows the first screen: the demo, the unlock prompt for an existing
// vault, or the welcome screen.
func (u *App) Start() {
	if u.opts.Demo {
		u.startDemo(u.opts.VaultPath)
		return
	}
	path := u.opts.VaultPath
	u.run.Run(func() func() {
		exists := fileExists(path)
		return func() {
			if exists {
				u.showUnlock(path)
			} else {
				u.showWelcome()
			}
		}
	})
}

// Close stops the server and closes the vault, waiting for both: it runs
// when the app quits.
func (u *App) Close() {
	if u.main != nil {
		u.main.unfollow()
		u.main.server.lifecycle.stopNow()
	}
	closeVault(u.engine)
	u.engine = nil
}

// Vault is the open vault, or nil.
func (u *App) Vault() *engine.Engine { return u.engine }

// useVault switches to an unlocked vault and shows the main view.
func (u *App) useVault(v *engine.Engine) { u.useVaultThen(v, nil) }

// useVaultThen is useVault, calling then (when not nil) once the main
// view has read the vault's CAs.
func (u *App) useVaultThen(v *engine.Engine, then func()) {
	if u.main != nil {
		u.main.unfollow()
		u.main.server.stop()
	}
	if old := u.engine; old != nil && old != v {
		u.run.Run(func() func() { closeVault(old); return nil })
	}
	u.engine = v
	u.me = adminOf(v)
	u.main = newMainView(u)
	u.win.SetContent(u.main.content)
	u.win.SetMainMenu(u.menu()) // greys out what the admin's role may not do
	u.win.SetTitle("Certdesk — " + vaultName(v.Path()) + u.me.titleSuffix())
	u.main.reloadThen(then)
	u.main.follow()
	if u.opts.StartTab == "server" {
		u.main.showTab(tabServer)
	}
}

// vaultName names a vault in the title: a file by its name, a team vault
// by its database and server ("certdesk on db.example.com").
func vaultName(where string) string {
	if !engine.IsTeamVault(where) {
		return filepath.Base(where)
	}
	u, err := url.Parse(where)
	if err != nil {
		return "a team vault"
	}
	host := u.Hostname()
	if host == "" {
		host = u.Query().Get("host")
	}
	if host == "" || strings.HasPrefix(host, "/") {
		host = "this computer" // a unix socket
	}
	return strings.TrimPrefix(u.Path, "/") + " on " + host
}

// startDemo builds a throwaway demo vault, starts the server on the demo CA
// and shows the server tab.
func (u *App) startDemo(path string) {
	progress := u.busy("Building the demo: a CA, seven people, a look-alike CA…")
	ctx := u.ctx
	u.run.Run(func() func() {
		v, d, err := buildDemo(ctx, path)
		return func() {
			progress.Hide()
			if err != nil {
				u.showError("The demo could not be built", err)
				return
			}
			u.useVaultThen(v, func() {
				u.main.selectCA(d.CA.ID)
				u.main.showTab(tabServer)
				u.main.server.startFor(d.CA)
				if len(d.People) > 0 {
					u.main.server.setTryAs(d.People[0].Record)
				}
			})
		}
	})
}

// busy shows a modal progress dialog; call Hide when the work is done.
func (u *App) busy(message string) dialog.Dialog {
	d := dialog.NewCustomWithoutButtons("Working…", newBusyContent(message), u.win)
	d.Show()
	return d
}

// showError explains a failure in a dialog: what was tried and why it failed.
func (u *App) showError(what string, err error) {
	if err == nil {
		return
	}
	dialog.ShowError(fmt.Errorf("%s: %w", what, err), u.win)
	if errors.Is(err, engine.ErrConflict) && u.main != nil {
		// Someone changed what was shown: show it as it is now, so the
		// admin can look again as the sentence asks.
		u.main.reloadKeepingSelection()
	}
}

// showWarning tells of something unsafe that still went ahead.
func (u *App) showWarning(title, text string) {
	dialog.ShowInformation(title, text, u.win)
}

// toast shows a short message in the status line.
func (u *App) toast(message string) {
	if u.main != nil {
		u.main.status.SetText(message)
	}
}
