package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
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
	newPerson := fyne.NewMenuItem("New person certificate…", withMain(func(m *mainView) { m.issuePerson() }))
	newPerson.Shortcut = shortcut(fyne.KeyN)
	inspectItem := fyne.NewMenuItem("Inspect a file…", u.chooseAndInspect)
	inspectItem.Shortcut = shortcut(fyne.KeyO)
	search := fyne.NewMenuItem("Search", withMain(func(m *mainView) { m.focusSearch() }))
	search.Shortcut = shortcut(fyne.KeyF)
	quit := fyne.NewMenuItem("Quit", func() { u.Close(); u.fyneApp.Quit() })
	quit.Shortcut = shortcut(fyne.KeyQ)
	quit.IsQuit = true
	return fyne.NewMainMenu(
		fyne.NewMenu("File",
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
			fyne.NewMenuItemSeparator(),
			quit,
		),
		fyne.NewMenu("Certificates",
			newPerson,
			fyne.NewMenuItem("New server certificate…", withMain(func(m *mainView) { m.issueServer() })),
			fyne.NewMenuItem("Sign a CSR…", withMain(func(m *mainView) { m.signCSR() })),
			fyne.NewMenuItem("Issue from a CSV of people…", withMain(func(m *mainView) { m.issueFromCSV() })),
			fyne.NewMenuItem("Show expiring soon", withMain(func(m *mainView) { m.showTab(tabCertificates); m.table.soon.showThem() })),
			fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Create a CA…", withMain(func(m *mainView) { m.createCA() })),
			fyne.NewMenuItem("Import a CA…", withMain(func(m *mainView) { m.importCA() })),
			fyne.NewMenuItem("Trust a CA (certificate only)…", withMain(func(m *mainView) { m.trustCA() })),
			fyne.NewMenuItem("Publish CRL…", withMain(func(m *mainView) { m.publishCRL() })),
			fyne.NewMenuItem("Configure a real server…", withMain(func(m *mainView) { m.configureServer() })),
			fyne.NewMenuItem("CA expiry reminder…", withMain(func(m *mainView) { m.caReminder() })),
			fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Export CA as easy-rsa folder…", withMain(func(m *mainView) { m.exportEasyRSA() })),
			fyne.NewMenuItem("Import easy-rsa / openssl ca folder…", withMain(func(m *mainView) { m.importPKI(true) })),
			fyne.NewMenuItem("Import XCA PEM export…", withMain(func(m *mainView) { m.importPKI(false) })),
			fyne.NewMenuItemSeparator(),
			search,
		),
		fyne.NewMenu("Server",
			fyne.NewMenuItem("Show the test server", withMain(func(m *mainView) { m.showTab(tabServer) })),
			fyne.NewMenuItem("Start or stop", withMain(func(m *mainView) { m.server.lifecycle.toggle() })),
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
			u.main.issuePerson()
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
