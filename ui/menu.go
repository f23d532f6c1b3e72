package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"certdesk/core/engine"
)

// menu builds the main menu. Actions that need an open vault do nothing
// before one is open.
func (u *App) menu() *fyne.MainMenu {
	withMain := func(f func(m *mainView)) func() {
		return func() {
			if u.main != nil {
				f(u.main)
			}
		}
	}
	newPerson := u.item("New person certificate…", engine.ActIssue, withMain(func(m *mainView) { m.issuePerson() }))
	newPerson.Shortcut = shortcut(fyne.KeyN)
	inspectItem := fyne.NewMenuItem("Inspect a file…", u.chooseAndInspect)
	inspectItem.Shortcut = shortcut(fyne.KeyO)
	search := fyne.NewMenuItem("Search", withMain(func(m *mainView) { m.focusSearch() }))
	search.Shortcut = shortcut(fyne.KeyF)
	file := []*fyne.MenuItem{
		fyne.NewMenuItem("Open a vault…", func() {
			u.picker.Open("Open a Certdesk vault", func(p string) {
				if p != "" {
					u.showUnlock(p)
				}
			})
		}),
		fyne.NewMenuItem("Open a team vault…", u.openTeamVault),
		fyne.NewMenuItem("Try the demo", func() { u.startDemo("") }),
		inspectItem,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Check vault…", withMain(func(m *mainView) { m.checkVault() })),
		fyne.NewMenuItem("History…", withMain(func(m *mainView) { m.showHistory() })),
		fyne.NewMenuItem("Change passphrase…", withMain(func(m *mainView) { m.changePassphrase() })),
	}
	if u.me.team() {
		file = append(file, fyne.NewMenuItem("Admins…", withMain(func(m *mainView) { m.showAdmins() })))
	}
	quit := fyne.NewMenuItem("Quit", func() { u.Close(); u.fyneApp.Quit() })
	quit.Shortcut = shortcut(fyne.KeyQ)
	quit.IsQuit = true
	return fyne.NewMainMenu(
		fyne.NewMenu("File", append(file, fyne.NewMenuItemSeparator(), quit)...),
		fyne.NewMenu("Certificates",
			newPerson,
			u.item("New server certificate…", engine.ActIssue, withMain(func(m *mainView) { m.issueServer() })),
			u.item("Sign a CSR…", engine.ActIssue, withMain(func(m *mainView) { m.signCSR() })),
			u.item("Issue from a CSV of people…", engine.ActIssue, withMain(func(m *mainView) { m.issueFromCSV() })),
			fyne.NewMenuItem("Show expiring soon", withMain(func(m *mainView) { m.showTab(tabCertificates); m.table.soon.showThem() })),
			fyne.NewMenuItemSeparator(),
			u.item("Create a CA…", engine.ActManageCAs, withMain(func(m *mainView) { m.createCA() })),
			u.item("Import a CA…", engine.ActManageCAs, withMain(func(m *mainView) { m.importCA() })),
			u.item("Trust a CA (certificate only)…", engine.ActManageCAs, withMain(func(m *mainView) { m.trustCA() })),
			u.item("Publish CRL…", engine.ActSignCRL, withMain(func(m *mainView) { m.publishCRL() })),
			u.item("Configure a real server…", engine.ActExportKey, withMain(func(m *mainView) { m.configureServer() })),
			fyne.NewMenuItem("CA expiry reminder…", withMain(func(m *mainView) { m.caReminder() })),
			fyne.NewMenuItemSeparator(),
			u.item("Export CA as easy-rsa folder…", engine.ActExportKey, withMain(func(m *mainView) { m.exportEasyRSA() })),
			u.item("Import easy-rsa / openssl ca folder…", engine.ActManageCAs, withMain(func(m *mainView) { m.importPKI(true) })),
			u.item("Import XCA PEM export…", engine.ActManageCAs, withMain(func(m *mainView) { m.importPKI(false) })),
			fyne.NewMenuItemSeparator(),
			search,
		),
		fyne.NewMenu("Server",
			fyne.NewMenuItem("Show the test server", withMain(func(m *mainView) { m.showTab(tabServer) })),
			u.item("Start or stop", engine.ActTestServer, withMain(func(m *mainView) { m.server.lifecycle.toggle() })),
		),
		fyne.NewMenu("View",
			fyne.NewMenuItem("Light theme", func() { u.fyneApp.Settings().SetTheme(ForcedTheme(theme.VariantLight)) }),
			fyne.NewMenuItem("Dark theme", func() { u.fyneApp.Settings().SetTheme(ForcedTheme(theme.VariantDark)) }),
			fyne.NewMenuItem("System theme", func() { u.fyneApp.Settings().SetTheme(Theme()) }),
		),
	)
}

func shortcut(key fyne.KeyName) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
}

// addShortcuts binds the menu shortcuts on the canvas too, so they work
// where the window has no native menu bar.
func (u *App) addShortcuts() {
	c := u.win.Canvas()
	c.AddShortcut(shortcut(fyne.KeyN).(*desktop.CustomShortcut), func(fyne.Shortcut) {
		if u.main != nil {
			u.main.permitted(engine.ActIssue, u.main.issuePerson)()
		}
	})
	c.AddShortcut(shortcut(fyne.KeyF).(*desktop.CustomShortcut), func(fyne.Shortcut) {
		if u.main != nil {
			u.main.focusSearch()
		}
	})
	c.AddShortcut(shortcut(fyne.KeyO).(*desktop.CustomShortcut), func(fyne.Shortcut) { u.chooseAndInspect() })
	c.AddShortcut(shortcut(fyne.KeyQ).(*desktop.CustomShortcut), func(fyne.Shortcut) { u.Close(); u.fyneApp.Quit() })
}

// focusSearch shows the certificates tab and puts the cursor in the search box.
func (m *mainView) focusSearch() {
	m.showTab(tabCertificates)
	m.app.win.Canvas().Focus(m.table.search)
}
