package vault

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// health remembers damage found in the vault file. Opening runs only the
// header check (microseconds: the file's size against the page count in its
// header, which catches truncation), to keep opening a vault of 100,000
// certificates fast; the first write of each Vault runs SQLite's own check
// (see preWriteCheck; about 0.2 s for 100,000 certificates), so a damaged
// file is never written to. `certctl check` runs the full integrity_check.
type health struct {
	mu      sync.Mutex
	header  error
	checked bool
	quick   error
}

func (h *health) err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.header != nil {
		return h.header
	}
	return h.quick
}

// noteHeader checks the SQLite header of the file at path.
func (h *health) noteHeader(path string, size int64) {
	err := headerProblem(path, size)
	h.mu.Lock()
	h.header = err
	h.mu.Unlock()
}

// headerProblem compares the file with what its header says.
func headerProblem(path string, size int64) error {
	f, err := os.Open(path)
	if err != nil {
		return nil // Open reports unreadable files itself
	}
	defer f.Close()
	var hdr [100]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return fmt.Errorf("%w: %s is shorter than an SQLite header (%d bytes)", ErrDamaged, path, size)
	}
	if string(hdr[:16]) != "SQLite format 3\x00" {
		return nil // not SQLite at all: Open says so
	}
	pageSize := int64(binary.BigEndian.Uint16(hdr[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	pages := int64(binary.BigEndian.Uint32(hdr[28:32]))
	changeCounter, validFor := binary.BigEndian.Uint32(hdr[24:28]), binary.BigEndian.Uint32(hdr[92:96])
	if pageSize < 512 || pageSize&(pageSize-1) != 0 {
		return fmt.Errorf("%w: %s has an impossible page size %d in its header", ErrDamaged, path, pageSize)
	}
	if changeCounter == validFor && pages > 0 && size < pages*pageSize {
		return fmt.Errorf("%w: %s is %d bytes but its header says %d pages of %d bytes (%d bytes): the file was truncated", ErrDamaged, path, size, pages, pageSize, pages*pageSize)
	}
	if size%pageSize != 0 {
		return fmt.Errorf("%w: %s is %d bytes, not a whole number of %d-byte pages: the file was truncated or extended", ErrDamaged, path, size, pageSize)
	}
	return nil
}

// writable refuses writes to a damaged vault, running quick_check once.
func (v *Vault) writable(ctx context.Context) error {
	h := &v.health
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.header != nil {
		return fmt.Errorf("%w; nothing was changed", h.header)
	}
	if !h.checked {
		problems, err := sqliteCheck(ctx, v, v.preWriteCheck(ctx), 3)
		switch {
		case err != nil:
			h.quick = err
		case len(problems) > 0:
			h.quick = fmt.Errorf("%w: SQLite's check of %s found: %s", ErrDamaged, v.path, strings.Join(problems, "; "))
		}
		h.checked = true
	}
	if h.quick != nil {
		return fmt.Errorf("%w; nothing was changed. Run `certctl check`, then restore a backup", h.quick)
	}
	return nil
}

// fullCheckBytes is the size up to which the check before the first write
// is SQLite's full integrity_check (which also cross-checks every index,
// about 0.1 s per 10 MB here); above it quick_check, which skips the index
// cross-check and is about ten times faster. `certctl check` always runs
// the full one.
const fullCheckBytes = 16 << 20

func (v *Vault) preWriteCheck(ctx context.Context) string {
	if v.onServer() {
		return "quick_check"
	}
	var pages, size int64
	if v.db.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages) == nil &&
		v.db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&size) == nil && pages*size <= fullCheckBytes {
		return "integrity_check"
	}
	return "quick_check"
}

// sqliteCheck runs PRAGMA quick_check or integrity_check and returns its
// complaints (none when the file is sound).
func sqliteCheck(ctx context.Context, v *Vault, pragma string, limit int) ([]string, error) {
	if v.onServer() {
		return nil, nil // PostgreSQL checks its own pages
	}
	rows, err := v.db.QueryContext(ctx, fmt.Sprintf("PRAGMA %s(%d)", pragma, limit))
	if err != nil {
		if isCorrupt(err) {
			return []string{err.Error()}, nil
		}
		return nil, fmt.Errorf("checking the vault file: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("checking the vault file: %w", err)
		}
		if s != "ok" {
			out = append(out, s)
		}
	}
	if err := rows.Err(); err != nil {
		if isCorrupt(err) {
			return append(out, err.Error()), nil
		}
		return nil, fmt.Errorf("checking the vault file: %w", err)
	}
	return out, nil
}
