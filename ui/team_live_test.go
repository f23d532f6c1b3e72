package ui

import (
	"context"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/pki"
)

// statusCell is the status cell drawn for row, "" when it is not drawn.
func (h *harness) statusCell(row int) string {
	for _, o := range h.objects() {
		if c, ok := o.(*cell); ok && c.id.Row == row && c.id.Col == 0 {
			return c.label.Text
		}
	}
	return ""
}

// detailStatus is what the detail pane's status badge says.
func (h *harness) detailStatus() string {
	for _, o := range h.app.main.detail.body.Objects {
		if l, ok := o.(*widget.Label); ok && l.TextStyle.Bold && l.Importance != widget.MediumImportance {
			return l.Text
		}
	}
	return ""
}

// within drains the UI queue until cond holds, failing after limit; it
// says how long it took.
func (h *harness) within(limit time.Duration, what string, cond func() bool) time.Duration {
	h.t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			h.t.Fatalf("%s did not happen within %v; the screen shows:\n%s", what, limit, h.text())
		}
		h.runner.Drain()
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

// followers counts the goroutines that listen for a vault's changes.
func followers() int {
	buf := make([]byte, 1<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	return strings.Count(stacks, "ui.jobs.followChanges") + strings.Count(stacks, "vault.(*Vault).listen")
}

// TestTeamRevocationElsewhereShows: the app shows a person as valid;
// another admin, in another session, revokes them; within a second the
// row's status cell and the detail pane say revoked, with no table polled
// (the app follows LISTEN/NOTIFY). Closing the app stops following: no
// listening goroutine is left and no widget changes after.
func TestTeamRevocationElsewhereShows(t *testing.T) {
	tv := newTeamVault(t)
	h := tv.signIn(t, "audrey")
	m := h.app.main
	row := findRow(t, m, "Pat Person")
	pat, _ := m.table.row(row)
	h.within(5*time.Second, "the row and the pane showing Pat as valid", func() bool {
		return h.statusCell(row) == "valid" && h.detailStatus() == "valid"
	})
	if followers() == 0 {
		t.Fatal("the app does not follow the team vault's changes")
	}

	ivan := tv.open(t, "ivan")
	defer ivan.Close()
	if _, err := ivan.Revoke(context.Background(), pat.ID, 1); err != nil {
		t.Fatal(err)
	}
	took := h.within(time.Second, "Pat's revocation by ivan reaching the window", func() bool {
		return h.statusCell(row) == "revoked" && h.detailStatus() == "revoked"
	})
	t.Logf("ivan's revocation reached the row and the pane in %v", took)
	h.within(time.Second, `the server tab's "connect as" choices showing Pat as revoked`, func() bool {
		return slices.Contains(m.server.try.choice.Options, "Pat Person — Team CA, revoked")
	})
	h.seesLabel("because its private key may have been stolen or exposed (by ivan")

	// A person another admin issues joins the table, and the count; the
	// selection stays on Pat, whose row moves down.
	if _, err := ivan.IssuePerson(context.Background(), tv.ca, pki.PersonRequest{Name: pki.Name{CommonName: "Aaron Early"}}); err != nil {
		t.Fatal(err)
	}
	h.within(time.Second, "ivan's new person reaching the table", func() bool {
		return m.table.count.Text == "3 certificate(s)" && strings.Contains(h.text(), "Aaron Early")
	})
	h.settle()
	if sel, _ := m.table.row(m.table.table.selected.Row); sel.ID != pat.ID || m.detail.record.ID != pat.ID {
		t.Errorf("the selection moved off Pat: the selected row holds %q, the pane %q", sel.CommonName, m.detail.record.CommonName)
	}
	// One that ends within the banner's window shows in its count.
	if _, err := ivan.IssuePerson(context.Background(), tv.ca, pki.PersonRequest{Name: pki.Name{CommonName: "Erin Soon"}, Validity: pki.Validity{Days: 10}}); err != nil {
		t.Fatal(err)
	}
	h.within(time.Second, "the expiring-soon banner counting ivan's short certificate", func() bool {
		return m.table.soon.banner.Visible() && m.table.soon.message.Text == "1 certificate(s) expire within 30 days."
	})
	row = findRow(t, m, "Pat Person")

	h.settle()
	h.app.Close()
	h.within(5*time.Second, "the listening goroutines ending", func() bool { return followers() == 0 })
	if _, err := ivan.Unrevoke(context.Background(), pat.ID); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(1500 * time.Millisecond); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if n := h.runner.Drain(); n > 0 {
			t.Fatalf("%d UI changes after the app closed", n)
		}
	}
	if got := h.statusCell(row); got != "revoked" {
		t.Errorf("after closing, the row changed to %q", got)
	}
}

// TestVaultFileHasNoTeamParts: a personal vault announces no changes, and
// the app starts no listener for it; it has no admins, no role line and
// hides nothing.
func TestVaultFileHasNoTeamParts(t *testing.T) {
	h := newHarness(t, Options{})
	v, err := engine.Create(h.app.opts.VaultPath, nil, engine.CreateOptions{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	h.app.useVault(v)
	h.settle()
	if m := h.app.main; m.live == nil || m.live.done != nil || followers() != 0 {
		t.Errorf("the app listens for a vault file's changes")
	}
	for _, menu := range h.win.MainMenu().Items {
		for _, it := range menu.Items {
			if it.Label == "Admins…" || it.Disabled {
				t.Errorf("a vault file's menu has %q (disabled: %v)", it.Label, it.Disabled)
			}
		}
	}
	h.doesNotSee("Signed in as")
	h.doesNotSee("needs an")
}

// TestTeamCAHighlightStays: the owner has Team CA selected; another owner
// session creates a CA whose name sorts before it; the list's highlight
// stays on Team CA's row (now one lower), and the table still shows
// Team CA's certificates.
func TestTeamCAHighlightStays(t *testing.T) {
	tv := newTeamVault(t)
	h := tv.signIn(t, "alice")
	m := h.app.main
	h.selectCAName("Team CA")
	other := tv.open(t, "alice")
	defer other.Close()
	if _, err := other.CreateCA(context.Background(), "Alpha CA", pki.CARequest{}); err != nil {
		t.Fatal(err)
	}
	h.within(time.Second, "the new CA reaching the list", func() bool { return len(m.cas) == 2 })
	h.settle()
	row, ok := m.selectedCARow()
	if !ok || m.cas[row-1].Name != "Team CA" || m.caID != tv.ca.ID {
		t.Fatalf("the selection moved: row %d (%v), caID %d", row, ok, m.caID)
	}
	if got := highlightedRows(m.caList); len(got) != 1 || got[0] != row {
		t.Errorf("the list highlights rows %v, want Team CA's row %d", got, row)
	}
	if m.table.count.Text != "2 certificate(s)" {
		t.Errorf("the table shows %q, want Team CA's own 2 certificates", m.table.count.Text)
	}
}

// highlightedRows reads the rows a Fyne list highlights (it keeps them in
// an unexported field and offers no getter).
func highlightedRows(l *widget.List) []int {
	var rows []int
	sel := reflect.ValueOf(l).Elem().FieldByName("selected")
	for i := 0; i < sel.Len(); i++ {
		rows = append(rows, int(sel.Index(i).Int()))
	}
	return rows
}
