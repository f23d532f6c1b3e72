package export

import (
	"strings"
	"testing"
	"time"
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
