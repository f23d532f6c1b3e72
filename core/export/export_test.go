package export

import (
	"bytes"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"certdesk/core/peer/peertest"
	"certdesk/core/pki"
	"certdesk/core/pki/pkitest"
)

type fixture struct {
	ca     pki.Authority
	person *pki.Issued
}

func newFixture(t testing.TB, kt pki.KeyType) fixture {
	t.Helper()
	now := time.Now()
	ca := pkitest.CA(t, pki.CARequest{Name: pki.Name{CommonName: "Export CA"}}, now)
	p := pkitest.Person(t, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Alice Example"}, Emails: []string{"alice@example.com"}, KeyType: kt}, now)
	return fixture{ca: ca, person: p}
}

func (f fixture) material() Material {
	return Material{Cert: f.person.Cert, Key: f.person.Key, Chain: []*x509.Certificate{f.ca.Cert}}
}

func TestEncodeFormats(t *testing.T) {
	f := newFixture(t, pki.ECDSAP256)
	m := f.material()
	tests := []struct {
		format     Format
		opts       Options
		wantBlocks []string
	}{
		{PEM, Options{}, []string{"CERTIFICATE"}},
		{Chain, Options{}, []string{"CERTIFICATE", "CERTIFICATE"}},
		{Key, Options{}, []string{"PRIVATE KEY"}},
		{Key, Options{Password: "pw"}, []string{"ENCRYPTED PRIVATE KEY"}},
		{Bundle, Options{}, []string{"CERTIFICATE", "PRIVATE KEY"}}, // the root stays out
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			data, err := Encode(m, tt.format, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			blocks, err := pki.PEMBlocks(data)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, b := range blocks {
				got = append(got, b.Type)
			}
			if strings.Join(got, ",") != strings.Join(tt.wantBlocks, ",") {
				t.Errorf("blocks = %v, want %v", got, tt.wantBlocks)
			}
		})
	}
	der, err := Encode(m, DER, Options{})
	if err != nil || !bytes.Equal(der, f.person.Cert.Raw) {
		t.Errorf("DER export differs from the certificate: %v", err)
	}
	if _, err := Encode(Material{Cert: f.person.Cert}, P12, Options{Password: "x"}); !errors.Is(err, ErrNoKey) {
		t.Errorf("p12 without key: err = %v", err)
	}
	if _, err := Encode(m, P12, Options{}); err == nil {
		t.Error("a PKCS#12 without password was written")
	}
}

func TestEncryptedKeyRoundTrip(t *testing.T) {
	f := newFixture(t, pki.ECDSAP256)
	data, err := KeyPEM(f.person.Key, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pki.ParsePrivateKey(data, []byte("wrong")); !errors.Is(err, pki.ErrWrongPassword) {
		t.Errorf("wrong password: %v", err)
	}
	k, err := pki.ParsePrivateKey(data, []byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	if err := pki.KeyMatchesCertificate(k, f.person.Cert); err != nil {
		t.Fatal(err)
	}
}

func TestPKCS12RoundTripInGo(t *testing.T) {
	f := newFixture(t, pki.ECDSAP256)
	for _, preset := range Presets {
		data, err := PKCS12(f.material(), preset, "pw")
		if err != nil {
			t.Fatal(err)
		}
		key, cert, chain, err := pkcs12.DecodeChain(data, "pw")
		if err != nil {
			t.Fatalf("%s: %v", preset, err)
		}
		if !cert.Equal(f.person.Cert) || len(chain) != 1 || !chain[0].Equal(f.ca.Cert) || key == nil {
			t.Errorf("%s: round trip lost something", preset)
		}
	}
}

func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		p := GeneratePassword()
		if len(p) != 23 || strings.Count(p, "-") != 3 || strings.ContainsAny(p, "01lIO") {
			t.Fatalf("password %q is not 4 groups of 5 unambiguous characters", p)
		}
		if seen[p] {
			t.Fatal("password repeated")
		}
		seen[p] = true
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "key.pem")
	if err := WriteFile(secret, []byte("a"), true, false); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(secret); st.Mode().Perm() != 0o600 {
		t.Errorf("secret file mode %v, want 0600", st.Mode().Perm())
	}
	if err := WriteFile(secret, []byte("b"), true, false); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("overwrite without force: %v", err)
	}
	if got, _ := os.ReadFile(secret); string(got) != "a" {
		t.Error("the existing file was changed")
	}
	if err := WriteFile(secret, []byte("c"), true, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(secret); string(got) != "c" {
		t.Error("--force did not replace the file")
	}
	if st, _ := os.Stat(secret); st.Mode().Perm() != 0o600 {
		t.Errorf("replaced secret file mode %v, want 0600", st.Mode().Perm())
	}
	public := filepath.Join(dir, "cert.pem")
	if err := WriteFile(public, []byte("a"), false, false); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(public); st.Mode().Perm() != 0o644 {
		t.Errorf("certificate file mode %v, want 0644", st.Mode().Perm())
	}
}

// writeP12 writes a PKCS#12 file of the fixture with the given preset.
func writeP12(t *testing.T, f fixture, preset Preset, password string) string {
	t.Helper()
	data, err := PKCS12(f.material(), preset, password)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), string(preset)+".p12")
	if err := WriteFile(p, data, true, false); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOpenSSLReadsPKCS12 reads both presets with OpenSSL 3, the compatible
// one without -legacy.
func TestOpenSSLReadsPKCS12(t *testing.T) {
	peertest.Require(t, "openssl")
	for _, kt := range []pki.KeyType{pki.ECDSAP256, pki.RSA2048} {
		f := newFixture(t, kt)
		for _, preset := range Presets {
			t.Run(string(kt)+"/"+string(preset), func(t *testing.T) {
				p := writeP12(t, f, preset, "Pa55 word!")
				out := peertest.Run(t, "openssl", "pkcs12", "-in", p, "-passin", "pass:Pa55 word!", "-nodes")
				if !strings.Contains(out, "BEGIN PRIVATE KEY") || strings.Count(out, "BEGIN CERTIFICATE") != 2 || !strings.Contains(out, "Alice Example") {
					t.Fatalf("openssl pkcs12 output lacks key, certificate or chain:\n%s", out)
				}
				if out, err := peertest.Try(t, "openssl", "pkcs12", "-in", p, "-passin", "pass:wrong", "-nokeys"); err == nil {
					t.Errorf("openssl accepted a wrong password: %s", out)
				}
			})
		}
	}
	// And the encrypted key export.
	f := newFixture(t, pki.ECDSAP256)
	data, _ := KeyPEM(f.person.Key, "pw")
	keyFile := filepath.Join(t.TempDir(), "k.pem")
	os.WriteFile(keyFile, data, 0o600)
	out := peertest.Run(t, "openssl", "pkey", "-in", keyFile, "-passin", "pass:pw", "-noout", "-text")
	if !strings.Contains(out, "P-256") {
		t.Errorf("openssl pkey: %s", out)
	}
}

// TestKeytoolReadsPKCS12: Java's keytool lists both presets.
func TestKeytoolReadsPKCS12(t *testing.T) {
	peertest.Require(t, "keytool")
	f := newFixture(t, pki.ECDSAP256)
	for _, preset := range Presets {
		t.Run(string(preset), func(t *testing.T) {
			p := writeP12(t, f, preset, "changeit-not")
			out := peertest.Run(t, "keytool", "-list", "-v", "-storetype", "PKCS12", "-keystore", p, "-storepass", "changeit-not")
			if !strings.Contains(out, "PrivateKeyEntry") || !strings.Contains(out, "CN=Alice Example") || !strings.Contains(out, "Certificate chain length: 2") {
				t.Fatalf("keytool output:\n%s", out)
			}
		})
	}
}

// TestNSSImportsPKCS12: pk12util imports both presets into an NSS database,
// the store Firefox and Chromium use on Linux.
func TestNSSImportsPKCS12(t *testing.T) {
	peertest.Require(t, "pk12util")
	peertest.Require(t, "certutil")
	f := newFixture(t, pki.ECDSAP256)
	for _, preset := range Presets {
		t.Run(string(preset), func(t *testing.T) {
			db := t.TempDir()
			peertest.Run(t, "certutil", "-N", "-d", "sql:"+db, "--empty-password")
			p := writeP12(t, f, preset, "nss-pass")
			peertest.Run(t, "pk12util", "-i", p, "-d", "sql:"+db, "-W", "nss-pass")
			out := peertest.Run(t, "certutil", "-L", "-d", "sql:"+db)
			if !strings.Contains(out, "Alice Example") {
				t.Fatalf("certutil -L after import:\n%s", out)
			}
			keys := peertest.Run(t, "certutil", "-K", "-d", "sql:"+db)
			if !strings.Contains(keys, "ec") && !strings.Contains(keys, "Alice") {
				t.Fatalf("no key imported:\n%s", keys)
			}
		})
	}
}
