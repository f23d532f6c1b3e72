package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrNotRegular is returned when the path to write holds something other
// than a regular file: a device, a FIFO, a socket, a folder or a link.
var ErrNotRegular = errors.New("is not a regular file")

// WriteFile writes data to path and syncs it to disk. Secret files are
// created 0600 (key material); others 0644. An existing file is never
// replaced unless force is set, and then it is replaced atomically — and
// only if it is a regular file: a device (/dev/stdout), a FIFO or a link
// is never replaced. Errors name path, never the temporary file.
func WriteFile(path string, data []byte, secret, force bool) error {
	mode := os.FileMode(0o644)
	if secret {
		mode = 0o600
	}
	if !force {
		return create(path, data, mode)
	}
	st, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("checking %s: %w", path, bare(err))
	case !st.Mode().IsRegular():
		return fmt.Errorf("%s %w (it is %s): Certdesk replaces only regular files; choose a file name", path, ErrNotRegular, kindOf(st.Mode()))
	}
	return replace(path, data, mode)
}

// create writes a new file; an existing path of any kind is refused.
func create(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s already exists: choose another name, or pass --force to replace it", path)
		}
		return fmt.Errorf("creating %s: %w", path, bare(err))
	}
	if err := writeAndClose(f, data); err != nil {
		os.Remove(path)
		return fmt.Errorf("writing %s: %w", path, bare(err))
	}
	return nil
}

// writeAndClose writes data to f, syncs it to disk and closes it; the first
// error is the one returned.
func writeAndClose(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// replace writes a temporary file beside path and renames it over path.
func replace(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".certdesk-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, bare(err))
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, bare(err))
	}
	if err := writeAndClose(tmp, data); err != nil {
		return fmt.Errorf("writing %s: %w", path, bare(err))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replacing %s: %w", path, bare(err))
	}
	return nil
}

// bare drops the file name from a file system error, so a message names
// the file the user chose and not a temporary one.
func bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}
