package ui

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/mtls"
	"certdesk/core/verdict"
)

// BenchmarkApply10000Events measures how long the window is busy putting
// 10,000 server events into the live table (one batch, one refresh).
func BenchmarkApply10000Events(b *testing.B) {
	a := test.NewTempApp(b)
	w := test.NewTempWindow(b, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	runner := newTestRunner()
	u := New(a, w, Options{VaultPath: filepath.Join(b.TempDir(), "v.db"), Runner: runner, Picker: &fakePicker{}})
	u.startDemo("")
	runner.Settle(b, settleTimeout)
	defer u.Close()
	s := u.main.server.events
	u.main.showTab(tabServer)
	batch := make([]mtls.Event, 10000)
	for i := range batch {
		batch[i] = mtls.Event{Seq: uint64(i), Time: time.Now(), Remote: "127.0.0.1:1234", Result: verdict.Judge(nil, nil, time.Now())}
	}
	for b.Loop() {
		s.batch.add(batch...)
		s.flush()
	}
}
