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

// ErrTooLarge means a file is larger than Certdesk reads.
var ErrTooLarge = errors.New("the file is too large")

// tooLarge says how large a file may be.
func tooLarge(limit int64) error {
	return fmt.Errorf("%w: Certdesk reads at most %d MiB", ErrTooLarge, limit>>20)
}

// ErrNotRegular means a file is a device, pipe or socket where only a
// regular file will do.
var ErrNotRegular = errors.New("not a regular file")

// ReadFile reads a file a person named. Pipes (such as /dev/stdin or a
// FIFO) are read too; folders are refused.
func ReadFile(path string) ([]byte, error) {
	return read(path, false, MaxSize)
}

// ReadFileUpTo is ReadFile for files that may be larger than MaxSize (a
// CSV of people, say): at most limit bytes.
func ReadFileUpTo(path string, limit int64) ([]byte, error) {
	return read(path, false, limit)
}

// ReadRegularFile reads a file found in a folder: anything but a regular
// file is refused, since a FIFO or device would block or never end.
func ReadRegularFile(path string) ([]byte, error) {
	return read(path, true, MaxSize)
}

func read(path string, regularOnly bool, limit int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	switch {
	case st.IsDir():
		return nil, fmt.Errorf("%s is a folder, not a file", path)
	case regularOnly && !st.Mode().IsRegular():
		return nil, fmt.Errorf("%s: %w", path, ErrNotRegular)
	case st.Mode().IsRegular() && st.Size() > limit:
		return nil, fmt.Errorf("%s: %w", path, tooLarge(limit))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: %w", path, tooLarge(limit))
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: %w", path, ErrEmpty)
	}
	return data, nil
}
