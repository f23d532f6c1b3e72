package export

import (
	"errors"
	"fmt"
	"strings"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// Preset is a named PKCS#12 encryption, chosen by where the file goes.
type Preset string

// The PKCS#12 presets. Compatible is the default for files that go to people.
const (
	// Compatible uses 3DES and a SHA-1 MAC: macOS Keychain, Windows, Android,
	// Java, browsers and OpenSSL 3 (without -legacy) all import it.
	Compatible Preset = "compatible"
	// Modern uses PBES2 AES-256 with PBKDF2-SHA256: OpenSSL 3, Java 17+,
	// Firefox/NSS; older Apple and Android stores may refuse it.
	Modern Preset = "modern"
)

// Presets lists the PKCS#12 presets.
var Presets = []Preset{Compatible, Modern}

// PresetHelp says what each preset is for.
var PresetHelp = map[Preset]string{
	Compatible: "for macOS, Windows, Android, iOS and browsers (3DES, SHA-1 MAC)",
	Modern:     "modern AES-256 for OpenSSL 3, Java 17+ and Firefox (may not import on older macOS, Windows or Android)",
}

// ParsePreset reads a preset name; empty gives Compatible.
func ParsePreset(s string) (Preset, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "compatible", "legacy", "compat":
		return Compatible, nil
	case "modern", "aes":
		return Modern, nil
	}
	return "", fmt.Errorf("unknown PKCS#12 preset %q: use compatible (macOS, Windows, Android, browsers) or modern (AES-256)", s)
}

// PKCS12 encodes key, certificate and chain as a PKCS#12 file. A password
// is required: passwordless files are refused by macOS and invite leaks.
func PKCS12(m Material, preset Preset, password string) ([]byte, error) {
	if password == "" {
		return nil, errors.New("a PKCS#12 file needs a password (give one, or let Certdesk generate one)")
	}
	if m.Key == nil {
		return nil, ErrNoKey
	}
	enc := pkcs12.LegacyDES
	switch preset {
	case Compatible, "":
	case Modern:
		enc = pkcs12.Modern2023
	default:
		return nil, fmt.Errorf("unknown PKCS#12 preset %q", preset)
	}
	data, err := enc.Encode(m.Key, m.Cert, m.Chain, password)
	if err != nil {
		return nil, fmt.Errorf("encoding PKCS#12: %w", err)
	}
	return data, nil
}
