package mtls

import (
	"crypto/tls"
	"sync"
)

// cipherNames is tls.CipherSuiteName's answer for every suite Go knows,
// looked up once: that function builds the lists of suites afresh on
// every call, and every connection's event and answer name its suite.
var cipherNames = sync.OnceValue(func() map[uint16]string {
	names := map[uint16]string{}
	for _, list := range [][]*tls.CipherSuite{tls.CipherSuites(), tls.InsecureCipherSuites()} {
		for _, c := range list {
			names[c.ID] = c.Name
		}
	}
	return names
})

// cipherName is tls.CipherSuiteName(id).
func cipherName(id uint16) string {
	if name, ok := cipherNames()[id]; ok {
		return name
	}
	return tls.CipherSuiteName(id)
}
