package interop

import (
	"bufio"
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"strings"
	"time"

	"certdesk/core/pki"
)

// indexRow is one line of an OpenSSL CA database (index.txt): status V
// (valid), R (revoked) or E (expired), expiry, revocation time and reason,
// serial, file name ("unknown") and subject.
type indexRow struct {
	Status    byte
	Expires   time.Time
	RevokedAt time.Time
	Reason    int
	Serial    *big.Int
	Subject   string
}

// opensslReasons are the CRL reason names OpenSSL's index.txt accepts, by
// code. Codes OpenSSL has no name for (9 privilegeWithdrawn, 10
// aACompromise) are written without a reason.
var opensslReasons = map[int]string{
	1: "keyCompromise", 2: "CACompromise", 3: "affiliationChanged", 4: "superseded",
	5: "cessationOfOperation", 6: "certificateHold", 8: "removeFromCRL",
}

// format writes the row as OpenSSL does: tab-separated, times as UTCTime
// (GeneralizedTime from 2050), serial in upper-case hex.
func (r indexRow) format() string {
	rev := ""
	if !r.RevokedAt.IsZero() {
		rev = asn1Time(r.RevokedAt)
		if name, ok := opensslReasons[r.Reason]; ok {
			rev += "," + name
		}
	}
	return fmt.Sprintf("%c\t%s\t%s\t%s\tunknown\t%s\n", r.Status, asn1Time(r.Expires), rev, pki.SerialHex(r.Serial), r.Subject)
}

func asn1Time(t time.Time) string {
	t = t.UTC()
	if t.Year() >= 1950 && t.Year() < 2050 {
		return t.Format("060102150405Z")
	}
	return t.Format("20060102150405Z")
}

func parseASN1Time(s string) (time.Time, error) {
	switch len(s) {
	case len("060102150405Z"):
		t, err := time.Parse("060102150405Z", s)
		if err == nil && t.Year() >= 2050 { // UTCTime's window is 1950–2049
			t = t.AddDate(-100, 0, 0)
		}
		return t, err
	case len("20060102150405Z"):
		return time.Parse("20060102150405Z", s)
	}
	return time.Time{}, fmt.Errorf("%q is not an OpenSSL index time", s)
}

// parseIndex reads an index.txt. Rows it cannot read are errors that name
// the line, since a silently dropped R row would un-revoke a certificate.
func parseIndex(data []byte) ([]indexRow, error) {
	var rows []indexRow
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 6 || len(f[0]) != 1 || !strings.Contains("VRE", f[0]) {
			return nil, fmt.Errorf("index.txt line %d is not an OpenSSL database row (status, expiry, revocation, serial, file, subject separated by tabs)", n)
		}
		r := indexRow{Status: f[0][0], Subject: strings.Join(f[5:], "\t")}
		var err error
		if r.Expires, err = parseASN1Time(f[1]); err != nil {
			return nil, fmt.Errorf("index.txt line %d: %w", n, err)
		}
		if r.Status == 'R' {
			when, reason, _ := strings.Cut(f[2], ",")
			if r.RevokedAt, err = parseASN1Time(when); err != nil {
				return nil, fmt.Errorf("index.txt line %d: revocation time: %w", n, err)
			}
			r.Reason = reasonCode(reason)
		}
		serial, ok := new(big.Int).SetString(f[3], 16)
		if !ok {
			return nil, fmt.Errorf("index.txt line %d: serial %q is not hexadecimal", n, f[3])
		}
		r.Serial = serial
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

func reasonCode(name string) int {
	for code, n := range opensslReasons {
		if strings.EqualFold(n, name) {
			return code
		}
	}
	return 0
}

// shortNames are the attribute names OpenSSL prints in a one-line subject.
var shortNames = map[string]string{
	"2.5.4.6": "C", "2.5.4.8": "ST", "2.5.4.7": "L", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.3": "CN",
	"2.5.4.5": "serialNumber", "2.5.4.9": "street", "2.5.4.17": "postalCode", "2.5.4.42": "GN", "2.5.4.4": "SN",
	"2.5.4.12": "title", "1.2.840.113549.1.9.1": "emailAddress", "0.9.2342.19200300.100.1.25": "DC",
	"0.9.2342.19200300.100.1.1": "UID",
}

// onelineSubject writes a subject the way OpenSSL's index.txt does:
// /C=../O=../CN=.. in the certificate's order.
func onelineSubject(cert *x509.Certificate) string {
	var rdns pkix.RDNSequence
	if _, err := asn1.Unmarshal(cert.RawSubject, &rdns); err != nil {
		return "/CN=" + cert.Subject.CommonName
	}
	var b strings.Builder
	for _, rdn := range rdns {
		for i, atv := range rdn {
			name, ok := shortNames[atv.Type.String()]
			if !ok {
				name = atv.Type.String()
			}
			if i == 0 {
				b.WriteByte('/')
			} else {
				b.WriteByte('+')
			}
			fmt.Fprintf(&b, "%s=%s", name, escapeControl(fmt.Sprint(atv.Value)))
		}
	}
	return b.String()
}

// escapeControl writes control characters as \xNN, as OpenSSL does, so a
// hostile name cannot break the tab- and line-separated database.
func escapeControl(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			fmt.Fprintf(&b, "\\x%02X", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
