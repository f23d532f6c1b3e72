package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"certdesk/core/pki"
	"certdesk/core/vault"
)

func TestListShowsVaultCertificates(t *testing.T) {
	test.NewTempApp(t)
	v, err := vault.Create(filepath.Join(t.TempDir(), "v.db"), nil, vault.CreateOptions{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	ca, err := v.CreateCA(context.Background(), "Acme", pki.CARequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.IssuePerson(context.Background(), ca, pki.PersonRequest{Name: pki.Name{CommonName: "Alice"}}); err != nil {
		t.Fatal(err)
	}
	u := New(v)
	if err := u.Reload(); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, u.Content())
	w.Resize(w.Canvas().Size().Max(u.Content().MinSize()).AddWidthHeight(400, 300))
	if !strings.Contains(u.title.Text, "2 certificates") {
		t.Errorf("title = %q", u.title.Text)
	}
	texts := renderedTexts(w.Canvas().Content())
	if !strings.Contains(texts, "Alice — valid (client)") {
		t.Errorf("the list does not show Alice; rendered text: %q", texts)
	}
	if len(u.recs) != 2 || u.recs[1].CommonName != "Alice" {
		t.Errorf("records %v", u.recs)
	}
}

// renderedTexts joins every piece of text the canvas draws.
func renderedTexts(o fyne.CanvasObject) string {
	var b strings.Builder
	for _, obj := range test.LaidOutObjects(o) {
		if txt, ok := obj.(*canvas.Text); ok && obj.Visible() {
			b.WriteString(txt.Text)
			b.WriteString("\n")
		}
	}
	return b.String()
}
