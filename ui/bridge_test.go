package ui

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
)

// TestRunnerWorksElsewhereAppliesOnUI: work runs on another goroutine than
// the UI goroutine, its apply on the UI goroutine, and Settle waits for
// work that an apply starts.
func TestRunnerWorksElsewhereAppliesOnUI(t *testing.T) {
	r := newTestRunner()
	var workOn, applyOn, secondOn uint64
	r.Run(func() func() {
		workOn = goroutineID()
		time.Sleep(20 * time.Millisecond)
		return func() {
			applyOn = goroutineID()
			r.Run(func() func() {
				time.Sleep(20 * time.Millisecond)
				return func() { secondOn = goroutineID() }
			})
		}
	})
	if applyOn != 0 {
		t.Fatal("Run applied its result before the test goroutine drained it")
	}
	r.Settle(t, 10*time.Second)
	switch {
	case workOn == 0 || workOn == r.ui:
		t.Errorf("work ran on goroutine %d, the UI goroutine is %d: inline, not in the background", workOn, r.ui)
	case applyOn != r.ui || secondOn != r.ui:
		t.Errorf("applies ran on goroutines %d and %d, want the UI goroutine %d", applyOn, secondOn, r.ui)
	}
}

// TestRunnerDrainsOnlyOnUI: draining from another goroutine is refused.
func TestRunnerDrainsOnlyOnUI(t *testing.T) {
	r := newTestRunner()
	refused := make(chan any)
	go func() {
		defer func() { refused <- recover() }()
		r.Drain()
	}()
	if p := <-refused; p == nil {
		t.Fatal("Drain ran on a goroutine that is not the UI goroutine")
	}
}

// touchEnv makes this test binary a child that touches a label from
// "work" (wrong) or from "apply" (right) and exits; see TestMain.
const touchEnv = "CERTDESK_UI_TOUCH_LABEL_FROM"

func TestMain(m *testing.M) {
	if from := os.Getenv(touchEnv); from != "" {
		touchLabel(from)
		os.Exit(0) // with -race, a data race turns this into exit status 66
	}
	os.Exit(m.Run())
}

// touchLabel changes a widget through a job, as the app's code does:
// from the job's work when from ends in "work", from its apply otherwise;
// "toast-…" does it with the real app's status line.
func touchLabel(from string) {
	a := test.NewApp()
	defer a.Quit()
	label := widget.NewLabel("before")
	w := test.NewWindow(label)
	defer w.Close()
	r := newTestRunner()
	r.look = func() { windowText(w) }
	set := func() { label.SetText("after") }
	if strings.HasPrefix(from, "toast-") {
		set = appWithVault(a, w, r)
	}
	r.Run(func() func() {
		time.Sleep(10 * time.Millisecond) // a vault query
		if strings.HasSuffix(from, "work") {
			set()
			return nil
		}
		return set
	})
	settleWithoutT(r, w)
}

// appWithVault opens the app on a new vault in w and returns a func that
// writes to its status line.
func appWithVault(a fyne.App, w fyne.Window, r *testRunner) func() {
	dir, _ := os.MkdirTemp("", "certdesk-touch-")
	path := filepath.Join(dir, "v.db")
	if v, err := engine.Create(path, nil, engine.CreateOptions{Insecure: true}); err == nil {
		v.Close()
	}
	u := New(a, w, Options{VaultPath: path, Runner: r, Picker: &fakePicker{}})
	u.Start()
	settleWithoutT(r, w)
	if u.main == nil {
		panic("the app did not open the vault")
	}
	return func() { u.toast("changed") }
}

func settleWithoutT(r *testRunner, w fyne.Window) {
	deadline := time.Now().Add(20 * time.Second)
	for r.busy() && time.Now().Before(deadline) {
		r.Drain()
		windowText(w)
		time.Sleep(5 * time.Millisecond)
	}
	r.Drain()
}

// TestRaceCatchesWidgetTouchedOffTheBridge proves the test runner makes
// -race catch a job that changes a widget from its work: this test binary
// runs itself as a child that does so, and -race must report it; the same
// change made in the apply must pass clean.
func TestRaceCatchesWidgetTouchedOffTheBridge(t *testing.T) {
	if !raceEnabled {
		if os.Getenv("CI") == "true" {
			t.Fatal("the UI tests must run with -race (make test-ui does)")
		}
		t.Skip("needs go test -race")
	}
	for _, c := range []struct {
		from     string
		wantRace bool
	}{{"apply", false}, {"work", true}, {"toast-apply", false}, {"toast-work", true}} {
		t.Run(c.from, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), touchEnv+"="+c.from)
			out, err := cmd.CombinedOutput()
			raced := bytes.Contains(out, []byte("WARNING: DATA RACE"))
			if raced != c.wantRace || (err != nil) != c.wantRace {
				t.Fatalf("a label set from the job's %s: data race reported %v, exit %v (want a race: %v)\n%s", c.from, raced, err, c.wantRace, out)
			}
			if c.wantRace && !bytes.Contains(out, []byte("ui.touchLabel.func")) {
				t.Errorf("the race report does not point at the job:\n%s", out)
			}
		})
	}
}
