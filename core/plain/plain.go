// Package plain holds the words a newcomer reads: verdict codes, key
// usages, revocation reasons, HTTP statuses, server modes and TLS alerts
// said in plain English, and the one date format. The app, the test
// server's page, `certctl serve` and the README all take their words from
// here, so they never disagree.
package plain

import "time"

// DateLayout is the one date format shown to people, always in UTC.
const DateLayout = "2 January 2006"

// DateTimeLayout is DateLayout with the time of day, always in UTC.
const DateTimeLayout = "2 January 2006, 15:04 UTC"

// Date formats t as a day in UTC, e.g. "1 December 2026".
func Date(t time.Time) string { return t.UTC().Format(DateLayout) }

// DateTime formats t as a day and time in UTC, e.g. "1 December 2026, 07:44 UTC".
func DateTime(t time.Time) string { return t.UTC().Format(DateTimeLayout) }
