package onboard

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// sheetHeader is the password sheet's first row.
var sheetHeader = []string{"name", "email", "file", "password", "serial", "sha256"}

// sheet is the password sheet of one output folder. Rows are appended and
// synced to disk as each PKCS#12 lands, so what is on the sheet is exactly
// what was delivered; a folder's sheet from an earlier run is kept and
// appended to, never rewritten.
type sheet struct {
	f       *os.File
	path    string
	created bool
	size    int64             // bytes known to be on disk
	written int               // rows added by this run
	listed  map[string]string // serial → file, rows of earlier runs
}

// openSheet opens the folder's sheet for appending, or creates it with its
// header. A file that is not a password sheet is refused.
func openSheet(path string) (*sheet, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err == nil {
		s := &sheet{f: f, path: path, created: true, listed: map[string]string{}}
		if err := s.append([][]string{sheetHeader}); err != nil {
			f.Close()
			os.Remove(path)
			return nil, err
		}
		s.written = 0
		return s, nil
	}
	if !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("creating the password sheet: %w", err)
	}
	return reopenSheet(path)
}

// reopenSheet reads an earlier run's sheet and positions at its end. A
// partial last line (a kill while it was written) is cut off: its row was
// never counted as delivered.
func reopenSheet(path string) (*sheet, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, fmt.Errorf("reading the password sheet: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file: choose another folder", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("opening the password sheet: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(f, 256<<20))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("reading the password sheet %s: %w", path, err)
	}
	keep := bytes.LastIndexByte(data, '\n') + 1
	listed, err := readSheet(data[:keep])
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s is not a Certdesk password sheet (%v): choose an empty folder, so no earlier passwords are lost", path, err)
	}
	if err := f.Truncate(int64(keep)); err != nil {
		f.Close()
		return nil, fmt.Errorf("repairing the password sheet: %w", err)
	}
	if _, err := f.Seek(int64(keep), io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("opening the password sheet: %w", err)
	}
	return &sheet{f: f, path: path, size: int64(keep), listed: listed}, nil
}

// readSheet returns the serials a sheet lists, with their files.
func readSheet(data []byte) (map[string]string, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil || !slices.Equal(head, sheetHeader) {
		return nil, errors.New("its first line is not the sheet's header")
	}
	listed := map[string]string{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return listed, nil
		}
		if err != nil {
			return nil, err
		}
		if len(rec) == len(sheetHeader) {
			listed[rec[4]] = rec[2]
		}
	}
}

// append writes rows and syncs them to disk. On a failure the sheet is cut
// back to its last good size, so it never ends in half a row.
func (s *sheet) append(rows [][]string) error {
	if len(rows) == 0 {
		return nil
	}
	data := encodeRows(rows)
	_, err := s.f.Write(data)
	if err == nil {
		err = s.f.Sync()
	}
	if err != nil {
		s.f.Truncate(s.size)
		s.f.Seek(s.size, io.SeekStart)
		return fmt.Errorf("writing the password sheet %s: %w", s.path, unwrapPath(err))
	}
	s.size += int64(len(data))
	s.written += len(rows)
	return nil
}

// close closes the sheet; one this run created and left without a row is
// removed.
func (s *sheet) close() {
	s.f.Close()
	if s.created && s.written == 0 {
		os.Remove(s.path)
	}
}

// unwrapPath drops the path from a file error (the message names the file
// already).
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
