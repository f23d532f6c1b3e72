// Package input reads the files people name: certificates, keys, requests,
// bundles and lists. Every reader in Certdesk goes through it, so each
// refuses folders, empty files and files far larger than any certificate
// file in the same words.
package input

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxSize bounds the files Certdesk reads: far above any real certificate,
// key, PKCS#12 or CRL file, far below what would strain memory.
const MaxSize = 16 << 20

// ErrEmpty means a file holds nothing.
var ErrEmpty = errors.New("the file is empty")

// ErrTooLarge means a file is larger than MaxSize.
var ErrTooLarge = fmt.Errorf("the file is larger than %d MiB: not a certificate file", MaxSize>>20)

// ErrNotRegular means a file is a device, pipe or socket where only a
// regular file will do.
var ErrNotRegular = errors.New("not a regular file")

// ReadFile reads a file a person named. Pipes (such as /dev/stdin or a
// FIFO) are read too; folders are refused.
func ReadFile(path string) ([]byte, error) {
	return read(path, false)
}

// ReadRegularFile reads a file found in a folder: anything but a regular
// file is refused, since a FIFO or device would block or never end.
func ReadRegularFile(path string) ([]byte, error) {
	return read(path, true)
}

func read(path string, regularOnly bool) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	switch {
	case st.IsDir():
		return nil, fmt.Errorf("%s is a folder, not a file", path)
	case regularOnly && !st.Mode().IsRegular():
		return nil, fmt.Errorf("%s: %w", path, ErrNotRegular)
	case st.Mode().IsRegular() && st.Size() > MaxSize:
		return nil, fmt.Errorf("%s: %w", path, ErrTooLarge)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: %w", path, ErrTooLarge)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: %w", path, ErrEmpty)
	}
	return data, nil
}
