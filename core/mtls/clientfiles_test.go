package mtls

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"certdesk/core/peer/peertest"
)

// TestClientFilesNeverReplace: try's files go into a folder made when
// missing; a second run finds its names taken and writes a fresh folder,
// leaving the first files (a .p12 already handed over) as they were. The
// PKCS#12 curl command holds no password and works with a real curl, even
// from a folder whose name has a colon and a space.
func TestClientFilesNeverReplace(t *testing.T) {
	curl := peertest.Require(t, "curl")
	f := startFixture(t, Config{})
	c := f.m.Cases[0]
	dir := filepath.Join(t.TempDir(), "new: folder")
	first, err := PrepareClientFiles(dir, c.Certs[0], c.Certs, c.Key, f.m.Root.Cert)
	if err != nil {
		t.Fatal(err)
	}
	if first.Dir != dir {
		t.Errorf("files in %s, want the missing folder %s made", first.Dir, dir)
	}
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("folder: %v %v", st, err)
	}
	handedOver, _ := os.ReadFile(first.P12File)
	second, err := PrepareClientFiles(dir, c.Certs[0], c.Certs, c.Key, f.m.Root.Cert)
	if err != nil {
		t.Fatal(err)
	}
	if second.Dir == dir || filepath.Dir(second.Dir) != dir {
		t.Errorf("second run wrote into %s, want a fresh folder inside %s", second.Dir, dir)
	}
	if now, _ := os.ReadFile(first.P12File); !bytes.Equal(now, handedOver) {
		t.Error("the first .p12 was replaced")
	}
	for _, p := range []string{second.KeyFile, second.P12File, second.CurlConfig} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", p, st, err)
		}
	}
	url := "https://localhost:" + strings.Split(f.server.Addr().String(), ":")[1] + "/"
	ran := false
	for _, s := range Snippets(url, second) {
		if strings.Contains(s.Command, second.P12Password) {
			t.Errorf("%s command holds the PKCS#12 password: %s", s.Tool, s.Command)
		}
		if s.Tool != "curl (PKCS#12)" {
			continue
		}
		ran = true
		cmd := exec.Command("bash", "-c", s.Command)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), `"verdict": "ok"`) {
			t.Errorf("%s with %s: %v\n%s\n%s", s.Command, curl, err, out, peertest.ReadFile(t, second.CurlConfig))
		}
		f.nextEvent(t)
	}
	if !ran {
		t.Error("no PKCS#12 curl command")
	}
}
