package mtls

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"testing"
	"time"

	"certdesk/core/verdict"
	"certdesk/core/verdict/verdicttest"
)

// TestIndentedJSONAsEncoder: writeIndentedJSON writes what json.Encoder
// with SetIndent("", "  ") writes, byte for byte, for the whoami answer of
// every matrix case and for values whose strings hold JSON's own syntax.
func TestIndentedJSONAsEncoder(t *testing.T) {
	now := time.Now()
	m := verdicttest.MustBuild(t, now)
	values := map[string]any{
		"syntax in strings": map[string]any{"a\"b": `{"x": [1, 2]}`, "back\\": `\\`, "q": `\"`, "": []any{}},
		"empty and nested":  []any{map[string]any{}, []any{}, []any{[]any{map[string]any{"k": nil}}}, "", 0, true},
		"escapes":           []string{"<script>&</script>", "\u2028\u2029", "\x00\x1f", "é\u202e"},
		"scalar":            "just a string",
		"empty checklist":   WhoAmI{},
	}
	for _, c := range m.Cases {
		if c.Certs == nil {
			continue
		}
		for _, mode := range Modes {
			res := verdict.JudgeCertificates(c.Certs, m.Trust, now)
			values[c.Name+"/"+string(mode)] = WhoAmI{Result: res, Mode: mode, Checklist: judgedChecklist(c.Certs, res, m.Trust, mode, now),
				TLSVersion: tls.VersionName(tls.VersionTLS13), Cipher: cipherName(tls.TLS_AES_128_GCM_SHA256)}
		}
	}
	for name, v := range values {
		var want, got bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := writeIndentedJSON(&got, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: got\n%s\nwant\n%s", name, got.Bytes(), want.Bytes())
		}
	}
}

// TestCipherNameAsTLS: cipherName names every suite ID as
// tls.CipherSuiteName does, known or not.
func TestCipherNameAsTLS(t *testing.T) {
	for id := range 1 << 16 {
		if got, want := cipherName(uint16(id)), tls.CipherSuiteName(uint16(id)); got != want {
			t.Fatalf("cipherName(%#04x) = %q, want %q", id, got, want)
		}
	}
}
