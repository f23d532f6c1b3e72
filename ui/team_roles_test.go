package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/pgtest"
	"certdesk/core/pki"
)

// teamVault is a team vault on a real PostgreSQL with an owner (alice), an
// issuer (ivan) and an auditor (audrey), each their own database role, a
// CA and one person.
type teamVault struct {
	pg  *pgtest.Server
	db  string // the database's name
	url map[string]string
	ca  engine.CA
}

var teamPassphrase = map[string]string{
	"alice":  "quartz meadow lantern orbit",
	"ivan":   "copper violin harbour tulip",
	"audrey": "granite pepper saddle moon",
}

func newTeamVault(t *testing.T) *teamVault {
	t.Helper()
	ctx := context.Background()
	pg := pgtest.Start(t)
	url := pg.NewDatabase(t, "alice")
	db := strings.TrimPrefix(strings.SplitN(url, "?", 2)[0], "postgres:///")
	owner, err := engine.Create(url, []byte(teamPassphrase["alice"]), engine.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	ca, err := owner.CreateCA(ctx, "Team CA", pki.CARequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := owner.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Pat Person"}}); err != nil {
		t.Fatal(err)
	}
	tv := &teamVault{pg: pg, db: db, ca: ca, url: map[string]string{"alice": url}}
	for name, role := range map[string]string{"ivan": engine.RoleIssuer, "audrey": engine.RoleAuditor} {
		if err := owner.AddAdmin(ctx, name, role, []byte(teamPassphrase[name])); err != nil {
			t.Fatalf("adding %s: %v", name, err)
		}
		tv.url[name] = pg.URL(db, name)
	}
	return tv
}

// open is the vault opened and unlocked as name.
func (tv *teamVault) open(t *testing.T, name string) *engine.Engine {
	t.Helper()
	v, err := engine.OpenUnlocked(tv.url[name], []byte(teamPassphrase[name]))
	if err != nil {
		t.Fatalf("%s opens the team vault: %v", name, err)
	}
	return v
}

// signIn shows the app's main view on the vault as name, with the person
// selected.
func (tv *teamVault) signIn(t *testing.T, name string) *harness {
	t.Helper()
	h := newHarness(t, Options{})
	h.app.useVault(tv.open(t, name))
	h.settle()
	m := h.app.main
	m.table.table.Select(widget.TableCellID{Row: findRow(t, m, "Pat Person"), Col: 1})
	h.sees("Pat Person")
	return h
}

// menuEntry finds an item of the window's main menu, or of the CA
// panel's More… menu, by its label.
func (h *harness) menuEntry(label string) *fyne.MenuItem {
	h.t.Helper()
	items := h.app.main.moreMenu()
	for _, menu := range h.win.MainMenu().Items {
		items = append(items, menu.Items...)
	}
	for _, it := range items {
		if it.Label == label {
			return it
		}
	}
	h.t.Fatalf("no menu item %q", label)
	return nil
}

// TestTeamRolesShowWhatTheyMayDo: on a team vault the app greys out what
// the connected admin's role may not do and says why, in the window; an
// owner has everything.
func TestTeamRolesShowWhatTheyMayDo(t *testing.T) {
	tv := newTeamVault(t)
	// Each control, by what it stands for (the table in core/engine).
	buttons := map[string]engine.Action{
		"New person": engine.ActIssue, "New server": engine.ActIssue, "Sign CSR…": engine.ActIssue, "From CSV…": engine.ActIssue,
		"Revoke…": engine.ActRevoke, "Renew…": engine.ActRenew, "Try on test server": engine.ActTestServer, "Export…": engine.ActRead,
		"Reminder…": engine.ActRead, "New CA": engine.ActManageCAs, "Import CA": engine.ActManageCAs,
		"Publish CRL…": engine.ActSignCRL, "Configure a server…": engine.ActExportKey,
	}
	items := map[string]engine.Action{
		"New person certificate…": engine.ActIssue, "Issue from a CSV of people…": engine.ActIssue,
		"Create a CA…": engine.ActManageCAs, "Import a CA…": engine.ActManageCAs, "Trust a CA (certificate only)…": engine.ActManageCAs,
		"Publish CRL…": engine.ActSignCRL, "Export CA as easy-rsa folder…": engine.ActExportKey,
		"Start or stop": engine.ActTestServer, "History…": engine.ActRead, "Check vault…": engine.ActRead,
		"New issuing CA under the selected CA…": engine.ActManageCAs, "Request a CA from an offline root…": engine.ActManageCAs,
		"Sign an intermediate CA from a CSR…": engine.ActManageCAs, "Issuance profiles…": engine.ActRead, "Admins…": engine.ActRead,
	}
	for _, tc := range []struct {
		name, role string
		off        []string // controls that must be hidden or greyed out
		on         []string // and some that must not
		says       string   // the sentence at the top of the window
		why        []string // the sentences where hidden controls would be
	}{
		{"audrey", engine.RoleAuditor,
			[]string{"New person", "Revoke…", "Renew…", "Try on test server", "New CA", "Publish CRL…", "Configure a server…", "Start or stop", "Create a CA…"},
			[]string{"Export…", "Reminder…", "History…", "Check vault…"},
			"Signed in as audrey (auditor): you can read, verify and see the log; issuing, renewing, revoking, exporting keys, signing CRLs and running the test server need an issuer or owner; managing CAs, editing profiles and managing admins need an owner.",
			[]string{
				"Issuing needs an issuer or owner.",
				"Renewing, revoking and running the test server need an issuer or owner.",
				"Exporting keys and signing CRLs need an issuer or owner; managing CAs needs an owner.",
			}},
		{"ivan", engine.RoleIssuer,
			[]string{"New CA", "Import CA", "Create a CA…", "Import a CA…", "Trust a CA (certificate only)…"},
			[]string{"New person", "Revoke…", "Renew…", "Publish CRL…", "Export CA as easy-rsa folder…", "Start or stop"},
			"Signed in as ivan (issuer): you can issue, renew, revoke, export keys, sign CRLs and run the test server; managing CAs, editing profiles and managing admins need an owner.",
			[]string{"Managing CAs needs an owner."}},
		{"alice", engine.RoleOwner, nil,
			[]string{"New person", "Revoke…", "New CA", "Create a CA…", "Import CA", "Start or stop", "Publish CRL…"},
			"Signed in as alice (owner): you can do everything, admins included.", nil},
	} {
		t.Run(tc.role, func(t *testing.T) {
			h := tv.signIn(t, tc.name)
			h.seesLabel(tc.says)
			if title := h.win.Title(); !strings.HasPrefix(title, "Certdesk — vault") || !strings.HasSuffix(title, " on this computer — "+tc.name+" ("+tc.role+")") {
				t.Errorf("the title %q does not name %s's role", title, tc.name)
			}
			// available: a button on screen and enabled, or a menu item
			// not greyed out.
			available := func(label string) bool {
				if _, ok := buttons[label]; ok {
					b := h.findButton(label)
					return b != nil && !b.Disabled()
				}
				return !h.menuEntry(label).Disabled
			}
			for _, label := range tc.off {
				if available(label) {
					t.Errorf("%s (%s) can use %q", tc.name, tc.role, label)
				}
			}
			for _, label := range tc.on {
				if !available(label) {
					t.Errorf("%s (%s) cannot use %q", tc.name, tc.role, label)
				}
			}
			// Every control agrees with the one table.
			for label, a := range buttons {
				if got := available(label); got != engine.RoleMay(tc.role, a) {
					t.Errorf("%s (%s): %q available=%v, but the table says may=%v", tc.name, tc.role, label, got, engine.RoleMay(tc.role, a))
				}
			}
			for label, a := range items {
				if got := available(label); got != engine.RoleMay(tc.role, a) {
					t.Errorf("%s (%s): menu %q available=%v, but the table says may=%v", tc.name, tc.role, label, got, engine.RoleMay(tc.role, a))
				}
			}
			for _, why := range tc.why {
				h.seesLabel(why)
			}
			// The export dialog offers a key only to those who may export one.
			h.tap("Export…")
			if got := strings.Contains(h.text(), "PKCS#12"); got != engine.RoleMay(tc.role, engine.ActExportKey) {
				t.Errorf("%s (%s): the export dialog offers PKCS#12: %v", tc.name, tc.role, got)
			}
			if tc.role == engine.RoleAuditor {
				h.seesLabel("Exporting keys needs an issuer or owner.")
				h.tap("Cancel")
				h.app.main.showTab(tabServer)
				h.seesLabel("The server is stopped. Running the test server needs an issuer or owner.")
			}
			// Connecting as someone uses their key: only those who may
			// run the test server see the try-it buttons.
			h.app.main.showTab(tabServer)
			h.settle()
			for _, label := range []string{"Connect with no certificate", "Connect with a look-alike CA"} {
				if shown := h.findButton(label) != nil; shown != engine.RoleMay(tc.role, engine.ActTestServer) {
					t.Errorf("%s (%s): %q shown=%v", tc.name, tc.role, label, shown)
				}
			}
		})
	}
}

// findButton is the visible button whose text starts with label, or nil.
func (h *harness) findButton(label string) *widget.Button {
	for _, o := range h.objects() {
		if b, ok := o.(*widget.Button); ok && strings.HasPrefix(b.Text, label) {
			return b
		}
	}
	return nil
}

// TestTeamRoleForcedActionIsRefused: an auditor who gets to the revoke
// dialog anyway (the button is greyed out; here the flow is called
// directly) is refused by PostgreSQL, and the app says so in a sentence.
func TestTeamRoleForcedActionIsRefused(t *testing.T) {
	tv := newTeamVault(t)
	h := tv.signIn(t, "audrey")
	m := h.app.main
	r, _ := m.table.row(findRow(t, m, "Pat Person"))
	m.revoke(r)
	h.tap("Revoke Pat Person")
	h.seesLabel("The certificate was not revoked: your role may not do this: audrey is an auditor in this team vault")
	owner := tv.open(t, "alice")
	defer owner.Close()
	got, err := owner.Get(context.Background(), r.ID)
	if err != nil || got.Revoked() {
		t.Fatalf("the auditor's revocation went through (err %v, revoked %v)", err, got.Revoked())
	}
}

// TestTeamAuditorScreenshot writes the auditor's main window, as the test
// driver draws it in the app's theme, to $CERTDESK_SCREENSHOTS/team-auditor.png, and its server tab to
// team-auditor-server.png (a look at what is greyed out and the sentence that says why).
func TestTeamAuditorScreenshot(t *testing.T) {
	out := os.Getenv("CERTDESK_SCREENSHOTS")
	if out == "" {
		t.Skip("set CERTDESK_SCREENSHOTS to a folder to write the screenshot")
	}
	tv := newTeamVault(t)
	h := tv.signIn(t, "audrey")
	fyne.CurrentApp().Settings().SetTheme(ForcedTheme(theme.VariantLight))
	writeShot(t, h, filepath.Join(out, "team-auditor.png"))
	h.app.main.showTab(tabServer)
	writeShot(t, h, filepath.Join(out, "team-auditor-server.png"))
}

// TestTeamAdmins: an owner adds an admin from File ▸ Admins…, who can then
// open the vault with their passphrase; an issuer sees the list without
// the add and remove buttons, and why.
func TestTeamAdmins(t *testing.T) {
	tv := newTeamVault(t)
	h := tv.signIn(t, "alice")
	h.menuEntry("Admins…").Action()
	h.sees("alice — owner", "(you)", "audrey — auditor", "ivan — issuer")
	h.tap("Add an admin…")
	h.typeInto("their database role", "bob")
	h.typeInto("their passphrase", "lichen harbour copper seven")
	h.typeInto("the passphrase again", "lichen harbour copper seven")
	h.tap("Add")
	h.sees("bob — issuer", "bob is added as issuer")
	bob, err := engine.OpenUnlocked(tv.pg.URL(tv.db, "bob"), []byte("lichen harbour copper seven"))
	if err != nil {
		t.Fatalf("bob opens the vault: %v", err)
	}
	if name, role := bob.Me(); name != "bob" || role != engine.RoleIssuer {
		t.Errorf("bob is %q (%q)", name, role)
	}
	bob.Close()

	// Removing bob rotates the key: his passphrase opens nothing after.
	var removeBob *widget.Button
	for _, o := range h.objects() {
		if c, ok := o.(*fyne.Container); ok && len(c.Objects) == 2 {
			l, isLabel := c.Objects[0].(*widget.Label)
			b, isButton := c.Objects[1].(*widget.Button)
			if isLabel && isButton && strings.HasPrefix(l.Text, "bob — ") {
				removeBob = b
			}
		}
	}
	if removeBob == nil {
		t.Fatalf("no Remove button beside bob:\n%s", h.text())
	}
	test.Tap(removeBob)
	h.sees("Remove bob?")
	h.tap("Yes")
	h.sees("bob is removed; the vault key is rotated")
	h.doesNotSee("bob — issuer")
	if v, err := engine.OpenUnlocked(tv.pg.URL(tv.db, "bob"), []byte("lichen harbour copper seven")); err == nil {
		v.Close()
		t.Fatal("bob's passphrase still opens the vault after his removal")
	}

	h = tv.signIn(t, "ivan")
	h.menuEntry("Admins…").Action()
	h.sees("ivan — issuer")
	if h.findButton("Add an admin…") != nil || h.findButton("Remove") != nil {
		t.Errorf("an issuer is offered to manage admins:\n%s", h.text())
	}
	h.seesLabel("Managing admins needs an owner.")
}

// TestVaultName: the title names a vault file by its name and a team
// vault by its database and server, never its password.
func TestVaultName(t *testing.T) {
	for where, want := range map[string]string{
		"/home/ada/.config/certdesk/vault.db":                   "vault.db",
		"postgres://ada:secret@db.example.com:5432/certdesk":    "certdesk on db.example.com",
		"postgres:///certdesk?host=%2Fvar%2Frun%2Fpostgresql":   "certdesk on this computer",
		"postgresql://ada@[2001:db8::1]/team?sslmode=verify-ca": "team on 2001:db8::1",
	} {
		if got := vaultName(where); got != want {
			t.Errorf("vaultName(%q) = %q, want %q", where, got, want)
		}
	}
}
