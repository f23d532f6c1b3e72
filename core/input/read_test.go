package input

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, size int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, make([]byte, size), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		regular bool
		want    error // nil: reads
		wantLen int
	}{
		{"a small file", write("small", 10), false, nil, 10},
		{"exactly the limit", write("limit", MaxSize), false, nil, MaxSize},
		{"one byte over", write("over", MaxSize+1), false, ErrTooLarge, 0},
		{"empty", write("empty", 0), false, ErrEmpty, 0},
		{"missing", filepath.Join(dir, "missing"), false, os.ErrNotExist, 0},
		{"a FIFO where a regular file is needed", fifo, true, ErrNotRegular, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := ReadFile
			if tt.regular {
				read = ReadRegularFile
			}
			data, err := read(tt.path)
			if tt.want == nil {
				if err != nil || len(data) != tt.wantLen {
					t.Fatalf("got %d bytes, %v; want %d bytes", len(data), err, tt.wantLen)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := ReadFile(dir); err == nil {
		t.Fatal("a folder was read")
	}
}
