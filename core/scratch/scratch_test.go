package scratch

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestMain doubles as a Certdesk process that makes a scratch folder,
// prints it and waits to be killed.
func TestMain(m *testing.M) {
	if os.Getenv("CERTDESK_SCRATCH_HELPER") == "1" {
		d, err := New("try")
		if err != nil {
			os.Exit(3)
		}
		os.WriteFile(filepath.Join(d.Path, "alice.key"), []byte("key"), 0o600)
		os.Stdout.WriteString(d.Path + "\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func backdate(t *testing.T, dir string) {
	t.Helper()
	old := time.Now().Add(-2 * minAge)
	if err := os.Chtimes(filepath.Join(dir, markerName), old, old); err != nil {
		t.Fatal(err)
	}
}

// TestCleanStale: the folder of a process killed with SIGKILL is removed;
// a live process's folder, a fresh one, an unmarked certdesk-… folder, one
// with a foreign marker, one of another user and a link are all kept.
func TestCleanStale(t *testing.T) {
	root := t.TempDir()
	t.Setenv("TMPDIR", root)

	helper := exec.Command(os.Args[0], "-test.run=^$")
	helper.Env = append(os.Environ(), "CERTDESK_SCRATCH_HELPER=1")
	out, _ := helper.StdoutPipe()
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		helper.Process.Kill()
		t.Fatalf("the helper made no folder: %v", err)
	}
	crashed := line[:len(line)-1]
	// While the helper runs, its folder is in use.
	backdate(t, crashed)
	if removed, _ := cleanStaleIn(root); slices.Contains(removed, crashed) {
		t.Fatal("removed the folder of a running process")
	}
	helper.Process.Kill()
	helper.Wait()

	live, err := New("demo")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Remove()
	backdate(t, live.Path)
	fresh, _ := New("try")
	fresh.lock.Close() // ended, but a moment ago
	unmarked := filepath.Join(root, "certdesk-try-unmarked")
	os.Mkdir(unmarked, 0o700)
	foreign := filepath.Join(root, "certdesk-demo-foreign")
	os.Mkdir(foreign, 0o700)
	os.WriteFile(filepath.Join(foreign, markerName), []byte("someone else's\n"), 0o600)
	backdate(t, foreign)
	elsewhere := t.TempDir()
	t.Setenv("TMPDIR", elsewhere)
	target, _ := New("try")
	target.lock.Close()
	backdate(t, target.Path)
	link := filepath.Join(root, "certdesk-try-link")
	os.Symlink(target.Path, link)
	keep := []string{live.Path, fresh.Path, unmarked, foreign, link, target.Path}
	var other string
	if os.Getuid() == 0 {
		d, _ := os.MkdirTemp(root, "certdesk-try-")
		os.WriteFile(filepath.Join(d, markerName), []byte(magic), 0o600)
		backdate(t, d)
		os.Chown(filepath.Join(d, markerName), 65534, 65534)
		os.Chown(d, 65534, 65534)
		other = d
		keep = append(keep, d)
	} else if os.Getenv("CI") == "true" {
		t.Fatal("CI runs as root: the other-user case needs chown")
	}

	removed, err := cleanStaleIn(root)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(removed, []string{crashed}) {
		t.Errorf("removed %v, want only the crashed process's %s", removed, crashed)
	}
	if _, err := os.Lstat(crashed); !os.IsNotExist(err) {
		t.Errorf("the crashed folder is still there: %v", err)
	}
	for _, p := range keep {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
	t.Logf("removed %v; kept %d others (another user's: %q)", removed, len(keep), other)
}
