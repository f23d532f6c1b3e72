// Package scratch makes Certdesk's private temporary folders (the try-it
// files, a demo vault) so that the next start can tell them from anyone
// else's and remove those a crash left behind: each holds a marker file,
// locked for as long as the process that made it runs.
package scratch

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Prefix starts the name of every scratch folder in the temporary folder.
const Prefix = "certdesk-"

// markerName and magic identify a scratch folder.
const (
	markerName = ".certdesk-scratch"
	magic      = "Certdesk scratch folder: removed when Certdesk next starts, once the process that made it has ended.\n"
)

// minAge spares folders made a moment ago, whose maker may not have locked
// its marker yet.
const minAge = time.Minute

// Dir is a scratch folder owned by this process.
type Dir struct {
	Path string
	lock *os.File // the marker, locked while the process runs
}

// New makes a private (0700) folder in the system's temporary folder,
// named certdesk-KIND-…, with its marker locked.
func New(kind string) (*Dir, error) {
	path, err := os.MkdirTemp("", Prefix+kind+"-")
	if err != nil {
		return nil, fmt.Errorf("making a temporary folder: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(path, markerName), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		if err = lockFile(f, true); err == nil {
			_, err = f.WriteString(magic)
		}
	}
	if err != nil {
		if f != nil {
			f.Close()
		}
		os.RemoveAll(path)
		return nil, fmt.Errorf("marking the temporary folder %s: %w", path, err)
	}
	return &Dir{Path: path, lock: f}, nil
}

// Remove deletes the folder and everything in it.
func (d *Dir) Remove() error {
	err := os.RemoveAll(d.Path)
	d.lock.Close()
	return err
}

// CleanStale removes the scratch folders in the system's temporary folder
// that a Certdesk process made and left when it crashed: only folders
// named certdesk-…, owned by this user, holding the marker (a regular
// file of this user with the marker's text) that no running process
// holds locked, and older than a minute. It returns the folders removed.
func CleanStale() ([]string, error) { return cleanStaleIn(os.TempDir()) }

func cleanStaleIn(root string) ([]string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", root, err)
	}
	var removed []string
	var errs []error
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), Prefix) {
			continue
		}
		path := filepath.Join(root, e.Name())
		if !stale(path) {
			continue
		}
		if err := os.RemoveAll(path); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, path)
	}
	return removed, errors.Join(errs...)
}

// stale says whether path is a scratch folder of this user whose maker
// has ended.
func stale(path string) bool {
	st, err := os.Lstat(path)
	if err != nil || !st.IsDir() || !ownedByMe(st) {
		return false
	}
	marker := filepath.Join(path, markerName)
	mst, err := os.Lstat(marker)
	if err != nil || !mst.Mode().IsRegular() || !ownedByMe(mst) || time.Since(mst.ModTime()) < minAge {
		return false
	}
	f, err := os.Open(marker)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(magic))
	if _, err := io.ReadFull(f, head); err != nil || string(head) != magic {
		return false
	}
	return lockFile(f, false) == nil // free: its maker has ended
}
