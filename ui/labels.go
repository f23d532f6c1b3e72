package ui

import (
	"fmt"
	"time"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
)

// The words the lists use for what a certificate can do, so that the
// Certificates tab agrees with what the test server would say.

// recordStatusText is a certificate's status as the lists show it: the
// status, and what it is good for when that is not a person's login.
func recordStatusText(r engine.Record, now time.Time, cas []engine.CA) string {
	s := r.Status(now)
	text := statusLabel(s)
	switch {
	case s == certinfo.Expiring:
		text += " — " + daysLeft(certinfo.DaysLeft(r.NotAfter, now))
	case s != certinfo.Valid:
	case r.Kind == engine.KindServer:
		text += " — server only, cannot log in"
	case r.Kind == engine.KindCA:
		if mark := caMark(caOfRecord(r, cas), cas); mark != "" {
			text += " — " + mark
		}
	}
	return text
}

func daysLeft(n int) string {
	switch {
	case n <= 0:
		return "expires today"
	case n == 1:
		return "1 day left"
	}
	return fmt.Sprintf("%d days left", n)
}

// caOfRecord is the CA whose own certificate r is.
func caOfRecord(r engine.Record, cas []engine.CA) engine.CA {
	for _, ca := range cas {
		if ca.CertID == r.ID {
			return ca
		}
	}
	return engine.CA{}
}

// caMark says what is special about a CA: a look-alike (the same name as
// a CA added before it, another key) or trusted only, without its key.
func caMark(ca engine.CA, cas []engine.CA) string {
	if ca.ID == 0 {
		return ""
	}
	if orig, ok := lookalikeOf(ca, cas); ok {
		return fmt.Sprintf("look-alike of %q: same name, another key", orig.Name)
	}
	if ca.TrustOnly() {
		return "trust only — cannot issue"
	}
	return ""
}

// lookalikeOf finds the CA added before ca with the same subject name but
// another key: ca imitates it.
func lookalikeOf(ca engine.CA, cas []engine.CA) (engine.CA, bool) {
	for _, other := range cas {
		if other.ID < ca.ID && other.Cert.Subject == ca.Cert.Subject && other.Cert.FingerprintSHA256 != ca.Cert.FingerprintSHA256 {
			return other, true
		}
	}
	return engine.CA{}, false
}

// kindText names a certificate's kind in words.
func kindText(r engine.Record) string {
	switch r.Kind {
	case engine.KindClient:
		return "person"
	case engine.KindServer:
		return "server"
	case engine.KindCA:
		return "CA"
	}
	return string(r.Kind)
}
