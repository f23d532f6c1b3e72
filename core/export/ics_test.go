package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certdesk/core/peer/peertest"
)

func TestReminder(t *testing.T) {
	notAfter := time.Date(2027, 11, 23, 10, 0, 0, 0, time.UTC)
	ics := string(Reminder("Zoë, the; admin", "0A1B", "AB:CD", notAfter, 14, notAfter.AddDate(-1, 0, 0)))
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "DTSTART;VALUE=DATE:20271123\r\n", "DTEND;VALUE=DATE:20271124\r\n",
		"TRIGGER:-P14D\r\n", `SUMMARY:Certificate of Zoë\, the\; admin expires`, "UID:ABCD@certdesk\r\n", "END:VCALENDAR\r\n"} {
		if !strings.Contains(ics, want) {
			t.Errorf("missing %q in\n%s", want, ics)
		}
	}
	for _, line := range strings.Split(ics, "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
	}
}

// TestReminderReadByICalendar has Python's icalendar library (Debian's
// python3-icalendar, as calendar tools use it) read the file back: one
// all-day event on the expiry day, its summary unescaped, an alarm 14 days
// before.
func TestReminderReadByICalendar(t *testing.T) {
	python := peertest.Require(t, "/usr/bin/python3")
	notAfter := time.Date(2027, 11, 23, 10, 0, 0, 0, time.UTC)
	file := filepath.Join(t.TempDir(), "r.ics")
	os.WriteFile(file, Reminder("Zoë, the; admin with a long name that folds over the seventy-five octet line limit", "0A1B", "AB:CD", notAfter, 14, notAfter.AddDate(-1, 0, 0)), 0o644)
	script := `import sys, datetime, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
events = [c for c in cal.walk("VEVENT")]
assert len(events) == 1, events
e = events[0]
assert e.decoded("DTSTART") == datetime.date(2027, 11, 23), e.decoded("DTSTART")
assert str(e["SUMMARY"]).startswith("Certificate of Zoë, the; admin with a long name that folds"), e["SUMMARY"]
alarms = [a for a in e.walk("VALARM")]
assert len(alarms) == 1 and alarms[0].decoded("TRIGGER") == datetime.timedelta(days=-14), alarms
print("ok")
`
	if out := peertest.Run(t, python, "-c", script, file); strings.TrimSpace(out) != "ok" {
		t.Errorf("icalendar: %s", out)
	}
}
