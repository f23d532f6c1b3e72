package ui

import (
	"context"
	"fmt"
	"testing"

	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/pki"
)

// TestTablePagesInTheBackground: the cell update never reads the vault.
// Scrolling to a row whose page is not in memory shows empty cells and
// asks for the page; the page arrives through the Runner and fills them.
func TestTablePagesInTheBackground(t *testing.T) {
	dir := t.TempDir()
	path := newVaultWithCA(t, dir)
	v, err := engine.OpenUnlocked(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := v.CAByName(context.Background(), "Acme")
	for i := range 2*pageSize + 1 {
		if _, err := v.IssuePerson(context.Background(), ca, pki.PersonRequest{Name: pki.Name{CommonName: fmt.Sprintf("Person %04d", i)}}); err != nil {
			t.Fatal(err)
		}
	}
	v.Close()

	h := newHarness(t, Options{VaultPath: path})
	h.app.Start()
	h.sees(fmt.Sprintf("%d certificate(s)", 2*pageSize+2))
	table := h.app.main.table
	if len(table.pages) != 1 || table.pages[0] == nil {
		t.Fatalf("after the start the table holds pages %v, want only the first", keys(table.pages))
	}
	last := 2*pageSize + 1 // "Acme" sorts first, then Person 0000 …
	table.table.ScrollTo(widget.TableCellID{Row: last, Col: 1})
	if _, ok := table.pages[2]; ok || !table.loading[2] {
		t.Fatalf("scrolling read page 2 at once (pages %v, loading %v): the cell update must only ask for it", keys(table.pages), table.loading)
	}
	h.sees(fmt.Sprintf("Person %04d", 2*pageSize))
	if r, ok := table.row(last); !ok || r.CommonName != fmt.Sprintf("Person %04d", 2*pageSize) {
		t.Fatalf("row %d after the page arrived: %+v %v", last, r, ok)
	}
}

func keys(m map[int][]engine.Record) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	return out
}
