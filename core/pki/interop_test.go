package pki

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"certdesk/core/peer/peertest"
)

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOpenSSLVerifiesPersonCertificates: `openssl verify -purpose sslclient`
// accepts every person certificate we issue, for each key type.
func TestOpenSSLVerifiesPersonCertificates(t *testing.T) {
	peertest.Require(t, "openssl")
	dir := t.TempDir()
	now := time.Now()
	for _, kt := range []KeyType{ECDSAP256, ECDSAP384, RSA2048, Ed25519} {
		t.Run(string(kt), func(t *testing.T) {
			caIssued, err := NewCA(CARequest{Name: Name{CommonName: "Interop CA " + string(kt)}, KeyType: kt}, now)
			if err != nil {
				t.Fatal(err)
			}
			ca := Authority{Cert: caIssued.Cert, Key: caIssued.Key}
			person, err := ca.IssuePerson(PersonRequest{Name: Name{CommonName: "Alice"}, Emails: []string{"alice@example.com"}, KeyType: kt}, now)
			if err != nil {
				t.Fatal(err)
			}
			caFile := writeFile(t, dir, string(kt)+"-ca.pem", EncodeCertPEM(ca.Cert))
			leafFile := writeFile(t, dir, string(kt)+"-leaf.pem", EncodeCertPEM(person.Cert))
			out := peertest.Run(t, "openssl", "verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", caFile, leafFile)
			if !strings.Contains(out, ": OK") {
				t.Fatalf("openssl verify: %s", out)
			}
			// A person certificate is not a server certificate.
			out, err = peertest.Try(t, "openssl", "verify", "-purpose", "sslserver", "-CAfile", caFile, leafFile)
			if err == nil {
				t.Errorf("openssl accepted a client-only certificate for sslserver: %s", out)
			}
		})
	}
}

// TestFingerprintsMatchOpenSSL compares our fingerprints with
// `openssl x509 -fingerprint` byte for byte.
func TestFingerprintsMatchOpenSSL(t *testing.T) {
	peertest.Require(t, "openssl")
	ca := newTestCA(t, ECDSAP256)
	file := writeFile(t, t.TempDir(), "ca.pem", EncodeCertPEM(ca.Cert))
	for _, tt := range []struct {
		flag string
		want string
	}{{"-sha256", FingerprintSHA256(ca.Cert.Raw)}, {"-sha1", FingerprintSHA1(ca.Cert.Raw)}} {
		out := strings.TrimSpace(peertest.Run(t, "openssl", "x509", "-noout", "-fingerprint", tt.flag, "-in", file))
		got := out[strings.Index(out, "=")+1:]
		if got != tt.want {
			t.Errorf("openssl %s: %s, we say %s", tt.flag, got, tt.want)
		}
	}
	out := strings.TrimSpace(peertest.Run(t, "openssl", "x509", "-noout", "-serial", "-in", file))
	if got := strings.TrimPrefix(out, "serial="); got != SerialHex(ca.Cert.SerialNumber) {
		t.Errorf("openssl serial %s, we say %s", got, SerialHex(ca.Cert.SerialNumber))
	}
}

// TestSignOpenSSLCSR signs a CSR made by `openssl req` and has openssl
// verify the result.
func TestSignOpenSSLCSR(t *testing.T) {
	peertest.Require(t, "openssl")
	dir := t.TempDir()
	key := filepath.Join(dir, "bob.key")
	csrFile := filepath.Join(dir, "bob.csr")
	peertest.Run(t, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", key, "-out", csrFile, "-subj", "/CN=Bob Builder/O=Acme", "-addext", "subjectAltName=email:bob@example.com",
		"-addext", "basicConstraints=critical,CA:TRUE")
	data, err := os.ReadFile(csrFile)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := ParseCSR(data)
	if err != nil {
		t.Fatal(err)
	}
	ca := Authority{}
	caIssued, _ := NewCA(CARequest{Name: Name{CommonName: "CSR CA"}}, time.Now())
	ca.Cert, ca.Key = caIssued.Cert, caIssued.Key
	got, err := ca.SignCSR(csr, ClientProfile, Validity{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got.Cert.IsCA || got.Cert.EmailAddresses[0] != "bob@example.com" {
		t.Fatalf("signed CSR: IsCA=%v emails=%v", got.Cert.IsCA, got.Cert.EmailAddresses)
	}
	caFile := writeFile(t, dir, "ca.pem", EncodeCertPEM(ca.Cert))
	leafFile := writeFile(t, dir, "bob.pem", EncodeCertPEM(got.Cert))
	if out := peertest.Run(t, "openssl", "verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", caFile, leafFile); !strings.Contains(out, "OK") {
		t.Fatal(out)
	}
	// The openssl-made key matches the certificate we signed.
	keyData, _ := os.ReadFile(key)
	k, err := ParsePrivateKey(keyData, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := KeyMatchesCertificate(k, got.Cert); err != nil {
		t.Fatal(err)
	}
}

// TestReadOpenSSLKeys reads every key form openssl, easy-rsa and XCA write.
func TestReadOpenSSLKeys(t *testing.T) {
	peertest.Require(t, "openssl")
	dir := t.TempDir()
	pass := writeFile(t, dir, "pass", []byte("s3cret\n"))
	tests := []struct {
		name string
		args []string
		desc string
	}{
		{"pkcs8 ec", []string{"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"}, "ECDSA P-256"},
		{"pkcs8 rsa encrypted", []string{"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-aes256", "-pass", "file:" + pass}, "RSA 2048"},
		{"pkcs8 ed25519", []string{"genpkey", "-algorithm", "ED25519"}, "Ed25519"},
		{"traditional rsa", []string{"genrsa", "-traditional", "-out", "OUT", "2048"}, "RSA 2048"},
		{"traditional rsa encrypted", []string{"genrsa", "-traditional", "-aes256", "-passout", "file:" + pass, "-out", "OUT", "2048"}, "RSA 2048"},
		{"sec1 ec", []string{"ecparam", "-name", "secp384r1", "-genkey", "-noout"}, "ECDSA P-384"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".key")
			args := slices.Clone(tt.args)
			if i := slices.Index(args, "OUT"); i >= 0 {
				args[i] = out
			} else {
				args = append(args, "-out", out)
			}
			peertest.Run(t, "openssl", args...)
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			encrypted := strings.Contains(tt.name, "encrypted")
			if encrypted {
				if _, err := ParsePrivateKey(data, nil); !errors.Is(err, ErrPasswordNeeded) {
					t.Errorf("no password: err = %v, want ErrPasswordNeeded", err)
				}
				if _, err := ParsePrivateKey(data, []byte("wrong")); !errors.Is(err, ErrWrongPassword) {
					t.Errorf("wrong password: err = %v, want ErrWrongPassword", err)
				}
			}
			k, err := ParsePrivateKey(data, []byte("s3cret"))
			if err != nil {
				t.Fatal(err)
			}
			if got := DescribePublicKey(k.Public()); got != tt.desc {
				t.Errorf("key = %s, want %s", got, tt.desc)
			}
			// The same key as DER reads too (plain keys only).
			if !encrypted {
				der := filepath.Join(dir, "der.key")
				peertest.Run(t, "openssl", "pkey", "-in", out, "-outform", "DER", "-out", der)
				d, _ := os.ReadFile(der)
				if _, err := ParsePrivateKey(d, nil); err != nil {
					t.Errorf("DER form: %v", err)
				}
			}
		})
	}
}

func TestParseBadInput(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"garbage", []byte("hello world")},
		{"truncated PEM", []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")},
		{"no end line", []byte("-----BEGIN CERTIFICATE-----\nMIIBIjAN\n")},
		{"wrong block", []byte("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n")},
		{"random DER", []byte{0x30, 0x82, 0xff, 0xff, 0x01}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseCertificates(tt.data); err == nil {
				t.Error("ParseCertificates accepted it")
			}
			if _, err := ParsePrivateKey(tt.data, nil); err == nil {
				t.Error("ParsePrivateKey accepted it")
			}
			if _, err := ParseCSR(tt.data); err == nil {
				t.Error("ParseCSR accepted it")
			}
		})
	}
}

func TestParseCertificatesManyBlocks(t *testing.T) {
	ca := newTestCA(t, ECDSAP256)
	leaf, _ := ca.IssuePerson(PersonRequest{Name: Name{CommonName: "L"}}, testNow)
	key, _ := x509.MarshalPKCS8PrivateKey(leaf.Key)
	_ = key
	data := append(EncodeCertPEM(leaf.Cert), EncodeCertPEM(ca.Cert)...)
	certs, err := ParseCertificates(data)
	if err != nil || len(certs) != 2 || certs[0].Subject.CommonName != "L" {
		t.Fatalf("got %d certs, %v", len(certs), err)
	}
	der, err := ParseCertificates(ca.Cert.Raw)
	if err != nil || len(der) != 1 {
		t.Fatalf("DER: %v", err)
	}
}

// TestStrictProfiles: `openssl verify -x509_strict` accepts every profile we
// issue: the CA itself, a server certificate, a signed CSR and a renewal-style
// reissue with another key type.
func TestStrictProfiles(t *testing.T) {
	peertest.Require(t, "openssl")
	dir := t.TempDir()
	now := time.Now()
	for _, kt := range []KeyType{ECDSAP256, RSA2048, Ed25519} {
		t.Run(string(kt), func(t *testing.T) {
			caIssued, err := NewCA(CARequest{Name: Name{CommonName: "Strict CA " + string(kt), Organization: "Acme"}, KeyType: kt}, now)
			if err != nil {
				t.Fatal(err)
			}
			ca := Authority{Cert: caIssued.Cert, Key: caIssued.Key}
			caFile := writeFile(t, dir, string(kt)+"-strict-ca.pem", EncodeCertPEM(ca.Cert))
			server, err := ca.IssueServer(ServerRequest{DNSNames: []string{"www.example.com"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyType: kt}, now)
			if err != nil {
				t.Fatal(err)
			}
			key, _ := GenerateKey(kt)
			der, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "CSR Person"}, EmailAddresses: []string{"csr@example.com"}}, key)
			csr, _ := x509.ParseCertificateRequest(der)
			signed, err := ca.SignCSR(csr, ClientProfile, Validity{Days: 30}, now)
			if err != nil {
				t.Fatal(err)
			}
			for name, c := range map[string]struct {
				cert    *x509.Certificate
				purpose string
			}{
				"ca": {ca.Cert, "any"}, "server": {server.Cert, "sslserver"}, "signed-csr": {signed.Cert, "sslclient"},
			} {
				file := writeFile(t, dir, string(kt)+"-"+name+".pem", EncodeCertPEM(c.cert))
				out := peertest.Run(t, "openssl", "verify", "-x509_strict", "-purpose", c.purpose, "-CAfile", caFile, file)
				if !strings.Contains(out, ": OK") {
					t.Errorf("%s: %s", name, out)
				}
			}
		})
	}
}
