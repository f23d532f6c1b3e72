// Package certinfo describes a certificate in the words and JSON fields
// shared by certctl, the desktop app and the test server.
package certinfo

import "time"

// Status is where a certificate stands in its life.
type Status string

// The statuses a certificate can have.
const (
	Valid       Status = "valid"
	Expiring    Status = "expiring"
	Expired     Status = "expired"
	NotYetValid Status = "not_yet_valid"
	Revoked     Status = "revoked"
)

// ExpiringWindow is how close to its end a certificate counts as expiring.
const ExpiringWindow = 30 * 24 * time.Hour

// Statuses lists every status in display order.
var Statuses = []Status{Valid, Expiring, Expired, NotYetValid, Revoked}

// StatusAt computes the status at time now.
func StatusAt(notBefore, notAfter time.Time, revoked bool, now time.Time) Status {
	switch {
	case revoked:
		return Revoked
	case now.After(notAfter):
		return Expired
	case now.Before(notBefore):
		return NotYetValid
	case notAfter.Sub(now) <= ExpiringWindow:
		return Expiring
	}
	return Valid
}

// DaysLeft is the number of whole days until notAfter (negative once past).
func DaysLeft(notAfter, now time.Time) int {
	d := notAfter.Sub(now)
	days := int(d / (24 * time.Hour))
	if d < 0 && d%(24*time.Hour) != 0 {
		days--
	}
	return days
}
