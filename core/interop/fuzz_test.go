package interop

import (
	"testing"
)

// FuzzIndex feeds arbitrary text to the index.txt reader: it returns rows
// or an error, never panics, and every row it accepts formats back to a
// line it accepts again.
func FuzzIndex(f *testing.F) {
	f.Add([]byte("V\t310506070809Z\t\t0ABC\tunknown\t/CN=A\n"))
	f.Add([]byte("R\t20510102030405Z\t310506070809Z,keyCompromise\t01\tunknown\t/O=X/CN=B\n"))
	f.Add([]byte("E\t310506070809Z\t\tZZ\tunknown\t/CN=x\n"))
	f.Add([]byte("\n\n\t\t\t\t\t\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := parseIndex(data)
		if err != nil {
			return
		}
		for _, r := range rows {
			if r.Serial.Sign() < 0 {
				continue // OpenSSL writes no negative serials; neither do we
			}
			again, err := parseIndex([]byte(r.format()))
			if err != nil || len(again) != 1 {
				t.Fatalf("row %+v formats to %q, which does not read back: %v", r, r.format(), err)
			}
		}
	})
}

// FuzzPEMBundle feeds arbitrary bytes to the XCA bundle reader.
func FuzzPEMBundle(f *testing.F) {
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
	f.Add([]byte("name\n-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"))
	f.Add([]byte("not pem"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pkis, _, err := ReadPEMBundle(data, []byte("pw"))
		if err == nil && len(pkis) == 0 {
			t.Fatal("no error and no PKI")
		}
	})
}
