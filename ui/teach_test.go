package ui

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/mtls"
	"certdesk/core/pki"
)

// demoOnCertificates opens the demo on the Certificates tab, all CAs shown.
func demoOnCertificates(t *testing.T) (*harness, *mainView) {
	h := newHarness(t, Options{Demo: true})
	h.app.Start()
	h.settle()
	m := h.app.main
	m.showTab(tabCertificates)
	m.caList.Select(0)
	h.settle()
	return h, m
}

// TestListsAgreeWithTheServer: the list says what each certificate is
// good for, as the test server would judge it.
func TestListsAgreeWithTheServer(t *testing.T) {
	h, m := demoOnCertificates(t)
	now := h.app.jobs().now()
	tests := []struct{ name, kind, want string }{
		{"Certdesk test server", "server", "valid — server only, cannot log in"},
		{"Erin Expiring", "person", "expiring — "},
		{"Alice Valid", "person", "valid"},
		{"Carol Expired", "person", "expired"},
	}
	for _, tt := range tests {
		r, _ := m.table.row(findRow(t, m, tt.name))
		if got := recordStatusText(r, now, m.cas); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s: status %q, want %q", tt.name, got, tt.want)
		}
		if got := kindText(r); got != tt.kind {
			t.Errorf("%s: kind %q, want %q", tt.name, got, tt.kind)
		}
	}
	erin, _ := m.table.row(findRow(t, m, "Erin Expiring"))
	if got, want := recordStatusText(erin, now, m.cas), "expiring — "+daysLeft(int(time.Until(erin.NotAfter).Hours()/24)); got != want {
		t.Errorf("Erin: %q, want %q", got, want)
	}
	// The look-alike CA is named and marked as one, in the list and the table.
	h.sees("server only, cannot log in", "days left")
	for i, ca := range m.cas {
		if ca.Name == engine.DemoLookalikeName {
			m.caList.Select(i + 1)
		}
	}
	h.sees(`Look-alike of "Demo CA":`)
	m.caList.Select(0)
	h.settle()
	for _, ca := range m.cas {
		mark := caMark(ca, m.cas)
		if ca.Name == engine.DemoLookalikeName && mark != `look-alike of "Demo CA": same name, another key` {
			t.Errorf("look-alike CA marked %q", mark)
		}
		if ca.Name == engine.DemoCAName && mark != "" {
			t.Errorf("the real CA is marked %q", mark)
		}
	}
	// The Kind column fits at 1280 wide.
	var x float32
	for _, c := range columns[:3] {
		x += c.width
	}
	if tableWidth := m.table.table.Size().Width; x > tableWidth {
		t.Errorf("the Kind column ends at %.0f, beyond the table's %.0f", x, tableWidth)
	}
}

// TestArrowKeysMoveTheSelection: Down and Up move the selected row (and
// the detail pane follows); Enter selects.
func TestArrowKeysMoveTheSelection(t *testing.T) {
	h, m := demoOnCertificates(t)
	m.table.table.Select(widget.TableCellID{Row: 0, Col: 1})
	h.settle()
	first, _ := m.table.row(0)
	second, _ := m.table.row(1)
	h.sees(first.CommonName)
	h.win.Canvas().Focus(m.table.table)
	h.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	h.settle()
	if m.table.selected != second.ID || m.detail.record.ID != second.ID {
		t.Fatalf("Down selected %d (detail %d), want %s", m.table.selected, m.detail.record.ID, second.CommonName)
	}
	h.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
	h.settle()
	if m.table.selected != first.ID {
		t.Fatalf("Up selected %d, want %s", m.table.selected, first.CommonName)
	}
	h.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp}) // at the top: stays
	h.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.settle()
	if m.table.selected != first.ID {
		t.Fatalf("Up at the top and Enter moved the selection to %d", m.table.selected)
	}
	// An empty search leaves no hidden certificate in the detail pane.
	h.typeInto("Search name", "no such certificate at all")
	h.sees("0 certificate(s)", "Select a certificate to see its details")
	h.doesNotSee("SHA-256")
}

// TestTryFromTheDetailPane: "Try on test server" connects at once, starting
// the server when it is stopped, and the previous result goes.
func TestTryFromTheDetailPane(t *testing.T) {
	h, m := demoOnCertificates(t)
	m.server.stop()
	h.settle()
	m.table.table.Select(widget.TableCellID{Row: findRow(t, m, "Bob Revoked"), Col: 1})
	h.sees("Try on test server")
	h.tap("Try on test server")
	h.sees("Serving https://localhost:", `Refused — as "Bob Revoked": certificate revoked`)
	h.waitFor("Bob's connection", func() bool { return len(m.server.events.events) == 1 })
	h.sees("Not revoked — this is the step that failed")

	m.showTab(tabCertificates)
	m.table.table.Select(widget.TableCellID{Row: findRow(t, m, "Alice Valid"), Col: 1})
	h.tap("Try on test server")
	h.sees(`Let in — as "Alice Valid": every check passed`)
	h.doesNotSee(`Refused — as "Bob Revoked"`)
	h.waitFor("Alice's connection", func() bool { return len(m.server.events.events) == 2 })
	h.doesNotSee("this is the step that failed")

	// The same from a row's right-click menu.
	m.showTab(tabCertificates)
	carol, _ := m.table.row(findRow(t, m, "Carol Expired"))
	for _, item := range rowMenu(m, carol) {
		if item.Label == "Try on test server" {
			item.Action()
		}
	}
	h.sees(`Refused — as "Carol Expired": certificate expired`)
	h.doesNotSee(`Let in — as "Alice Valid"`)
}

// TestPreconnectsAreFolded: a browser's spare connection is not shown
// (nor called refused) until asked for.
func TestPreconnectsAreFolded(t *testing.T) {
	h := newHarness(t, Options{Demo: true})
	h.app.Start()
	h.settle()
	e := h.app.main.server.events
	e.batch.add(
		mtls.Event{Remote: "127.0.0.1:1", Outcome: mtls.PreconnectOutcome, Preconnect: true, Summary: "browser preconnect"},
		mtls.Event{Remote: "127.0.0.1:2", Outcome: mtls.LetIn, Summary: "let in"},
	)
	e.flush()
	if len(e.shown) != 1 || e.shown[0].Preconnect {
		t.Fatalf("shown %+v: the preconnect is not folded", e.shown)
	}
	h.sees("Show browser preconnects (1 folded)")
	e.folded.SetChecked(true)
	h.settle()
	if len(e.shown) != 2 || eventCellText(e.shown[1], 1) != "browser preconnect" || eventCellText(e.shown[1], 3) != "a spare connection, not a refusal" {
		t.Fatalf("shown %+v", e.shown)
	}
}

// TestTrustACA: a CA held by its certificate alone is trusted and marked,
// cannot issue, and the form keeps its input on a junk file.
func TestTrustACA(t *testing.T) {
	h := newHarness(t, Options{Demo: true})
	h.app.Start()
	h.settle()
	m := h.app.main
	m.showTab(tabCertificates)
	partner, err := pki.NewCA(pki.CARequest{Name: pki.Name{CommonName: "Partner CA"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	good, junk := filepath.Join(h.dir, "partner.pem"), filepath.Join(h.dir, "junk.pem")
	os.WriteFile(good, pki.EncodeCertPEM(partner.Cert), 0o600)
	os.WriteFile(junk, []byte("-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n"), 0o600)

	m.trustCA()
	h.typeInto("a name for it in Certdesk", "Partner")
	h.typeInto("its certificate file", junk)
	h.tap("Trust")
	seesFormError(h, "no readable PEM block")
	h.doesNotSee("x509:")
	if h.entry("a name for it in Certdesk").Text != "Partner" {
		t.Fatal("the form lost the name")
	}
	h.typeInto("its certificate file", good)
	h.tap("Trust")
	h.sees(`Trusted the CA "Partner"`, "Partner (trust only)")
	for _, ca := range m.cas {
		if ca.Name == "Partner" {
			m.selectCA(ca.ID)
		}
	}
	h.sees("valid — trust only — cannot issue", "it cannot issue here")
	for _, b := range m.table.issue {
		if !b.Disabled() {
			t.Errorf("%q is enabled for a trust-only CA", b.Text)
		}
	}
}

// TestImportKeepsInput: an empty name and a junk file are told beside
// their fields, and what was typed stays.
func TestImportKeepsInput(t *testing.T) {
	h := newHarness(t, Options{Demo: true})
	h.app.Start()
	h.settle()
	junk := filepath.Join(h.dir, "junk.crt")
	os.WriteFile(junk, []byte{0x30, 0x03, 0x02, 0x01, 0x01}, 0o600)
	h.app.main.importCA()
	h.typeInto("ca.crt, or a .p12 file", junk)
	h.tap("Import")
	h.sees("The CA needs a name")
	h.typeInto("a name for it in Certdesk", "Junk")
	h.tap("Import")
	seesFormError(h, "holds no key: give the CA's key file too")
	h.typeInto("ca.key", junk)
	h.tap("Import")
	seesFormError(h, "not a certificate: the file is neither PEM text")
	h.doesNotSee("x509:")
	if h.entry("ca.crt, or a .p12 file").Text != junk || h.entry("a name for it in Certdesk").Text != "Junk" {
		t.Fatal("the form lost what was typed")
	}
}

// TestAddressInUse: a port in use is told beside the Address field, in
// the app's terms, not as a command-line flag.
func TestAddressInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	h := newHarness(t, Options{Demo: true, ServerAddr: busy.Addr().String()})
	h.app.Start()
	h.settle()
	seesFormError(h, "another program is already listening on that port. Change the Address")
	h.doesNotSee("--addr")
}

// TestCRLMessagesStayTrue: a revocation after the last CRL says the CRL
// is out of date; publishing clears both that and the advice to publish.
func TestCRLMessagesStayTrue(t *testing.T) {
	h, m := demoOnCertificates(t)
	for _, ca := range m.cas {
		if ca.Name == engine.DemoCAName {
			m.selectCA(ca.ID)
		}
	}
	h.sees("CRL: #1, valid until")
	m.table.table.Select(widget.TableCellID{Row: findRow(t, m, "Alice Valid"), Col: 1})
	h.tap("Revoke…")
	h.tap("Revoke Alice Valid")
	h.sees("Publish a CRL so servers learn of it", "CRL #1 is out of date: 1")
	h.picker.save = filepath.Join(h.dir, "demo-crl.pem")
	h.tap("Publish CRL…")
	h.sees("CRL published")
	h.tap("OK")
	h.sees("Published CRL #2 of Demo CA.", "CRL: #2, valid until")
	h.doesNotSee("Publish a CRL so servers")
	h.doesNotSee("out of date")

	// A new selection puts the detail pane back at the top.
	m.detail.scroll.Offset = fyne.NewPos(0, 150)
	m.table.table.Select(widget.TableCellID{Row: findRow(t, m, "Carol Expired"), Col: 1})
	h.sees("Carol Expired")
	if m.detail.scroll.Offset.Y != 0 {
		t.Errorf("the detail pane kept its scroll: %v", m.detail.scroll.Offset)
	}
}
