package inspect

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzInspect feeds any bytes to the inspector: it must never panic, and
// whatever it accepts must encode as JSON.
func FuzzInspect(f *testing.F) {
	now := time.Now()
	inputs, _ := samples(f, now)
	for _, in := range inputs {
		f.Add(in.data, in.password)
	}
	for _, seed := range [][]byte{[]byte("-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----\n"), {0x30, 0x80}, nil} {
		f.Add(seed, "pw")
	}
	seeds, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "inputs", "*"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data, "")
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, password string) {
		items, err := Inspect(data, Options{Password: []byte(password), Now: now})
		if err != nil {
			return
		}
		if _, err := json.Marshal(items); err != nil {
			t.Fatalf("accepted input does not encode: %v", err)
		}
	})
}
