package mtls

import (
	"fmt"
	"strings"

	"certdesk/core/plain"
)

// Mode says what the server does with a certificate it refuses.
type Mode string

// The server modes.
const (
	// Explain always completes the handshake; the page says who you are or
	// why you are refused (200, 400 for no certificate, 403 for a bad one).
	Explain Mode = "explain"
	// Strict is nginx's ssl_verify_client on: a bad or missing certificate
	// fails the handshake.
	Strict Mode = "strict"
	// Optional lets clients without a certificate in; a bad one fails the handshake.
	Optional Mode = "optional"
)

// Modes lists the modes.
var Modes = []Mode{Explain, Strict, Optional}

// ParseMode reads a mode name; empty gives Explain.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return Explain, nil
	case Explain, Strict, Optional:
		return m, nil
	}
	return "", fmt.Errorf("unknown mode %q: use explain, strict or optional", s)
}

// Description says in plain words what the mode does.
func (m Mode) Description() string { return plain.Mode(string(m)) }
