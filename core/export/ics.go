package export

import (
	"fmt"
	"strings"
	"time"
)

// Reminder is an iCalendar (RFC 5545) file with one all-day event on the
// day a certificate expires and an alarm daysBefore days earlier, for
// calendars that should remind an admin to renew.
func Reminder(commonName, serial, fingerprint string, notAfter time.Time, daysBefore int, now time.Time) []byte {
	if daysBefore <= 0 {
		daysBefore = 30
	}
	day := notAfter.UTC().Format("20060102")
	next := notAfter.UTC().AddDate(0, 0, 1).Format("20060102")
	lines := []string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//Certdesk//Certificate reminders//EN",
		"CALSCALE:GREGORIAN",
		"BEGIN:VEVENT",
		"UID:" + strings.ReplaceAll(fingerprint, ":", "") + "@certdesk",
		"DTSTAMP:" + now.UTC().Format("20060102T150405Z"),
		"DTSTART;VALUE=DATE:" + day,
		"DTEND;VALUE=DATE:" + next,
		"SUMMARY:" + icsText("Certificate of "+commonName+" expires"),
		"DESCRIPTION:" + icsText(fmt.Sprintf("The certificate of %s (serial %s) expires on %s. Renew it before then: certctl renew %s", commonName, serial, notAfter.UTC().Format(time.RFC1123), serial)),
		"BEGIN:VALARM",
		"ACTION:DISPLAY",
		fmt.Sprintf("TRIGGER:-P%dD", daysBefore),
		"DESCRIPTION:" + icsText("Renew the certificate of "+commonName),
		"END:VALARM",
		"END:VEVENT",
		"END:VCALENDAR",
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(foldICS(l))
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

// icsText escapes text for an iCalendar value.
func icsText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", "")
	return r.Replace(s)
}

// foldICS folds a content line at 75 octets, as RFC 5545 asks, without
// splitting a UTF-8 character.
func foldICS(line string) string {
	var b strings.Builder
	n := 0
	for _, r := range line {
		size := len(string(r))
		if n+size > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += size
	}
	return b.String()
}
