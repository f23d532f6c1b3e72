package certinfo

import (
	"crypto/x509"
	"net"
	"reflect"
	"testing"
	"time"

	"certdesk/core/pki"
	"certdesk/core/pki/pkitest"
)

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Alice Example", "Alice Example"},
		{"Zoë Ñandú 日本", "Zoë Ñandú 日本"},
		{"bell\x07", `bell\x07`},
		{"esc\x1b[31mred", `esc\x1B[31mred`},
		{"evil\u202Etxt.exe", `evil\u202Etxt.exe`},
		{"bad\xffutf8", `bad\xFFutf8`},
		{"nul\x00", `nul\x00`},
		{"line\u2028sep", `line\u2028sep`},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestAtTellsDescribeAtThatTime: a certificate described at one time and
// told At another is what Describe says at that other time, and the
// result shares no list with the description it came from.
func TestAtTellsDescribeAtThatTime(t *testing.T) {
	now := time.Now()
	ca := pkitest.CA(t, pki.CARequest{Name: pki.Name{CommonName: "At CA"}, PathLen: 1}, now)
	person := pkitest.Person(t, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Ada"},
		Emails: []string{"ada@example.com"}, DNSNames: []string{"ada.example"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}, now)
	for _, cert := range []*x509.Certificate{ca.Cert, person.Cert} {
		described := Describe(cert, now)
		for _, at := range []time.Time{now, cert.NotBefore.Add(-time.Second), cert.NotAfter.Add(-24 * time.Hour), cert.NotAfter.Add(time.Hour)} {
			got, want := described.At(at), Describe(cert, at)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s at %s:\n got %+v\nwant %+v", cert.Subject.CommonName, at, got, want)
			}
			for i := range got.KeyUsage {
				got.KeyUsage[i] = "changed"
			}
			if got.PathLen != nil {
				*got.PathLen = 99
			}
			if reflect.DeepEqual(described.KeyUsage, got.KeyUsage) || (described.PathLen != nil && *described.PathLen == 99) {
				t.Errorf("%s: At shares its lists with the description", cert.Subject.CommonName)
			}
		}
	}
}
