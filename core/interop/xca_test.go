package interop

import (
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certdesk/core/peer/peertest"
	"certdesk/core/pki"
)

// TestPEMBundle builds a bundle the way XCA exports one — an RSA CA with a
// legacy-encrypted traditional key, people with encrypted PKCS#8 keys, a
// CRL, an unrelated certificate, and text between the blocks — all made by
// the openssl CLI, and reads it back.
func TestPEMBundle(t *testing.T) {
	openssl := peertest.Require(t, "openssl")
	dir := t.TempDir()
	f := func(name string) string { return filepath.Join(dir, name) }
	pass := "pass:" + testPassword
	peertest.Run(t, openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f("ca.plain"), "-subj", "/O=XCA Test/CN=XCA Root",
		"-days", "365", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", f("ca.crt"))
	peertest.Run(t, openssl, "rsa", "-in", f("ca.plain"), "-traditional", "-aes256", "-passout", pass, "-out", f("ca.key"))
	ext := f("client.ext")
	os.WriteFile(ext, []byte("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n"), 0o600)
	for i, name := range []string{"Ann", "Ben"} {
		peertest.Run(t, openssl, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", f(name+".plain"), "-subj", "/CN="+name, "-out", f(name+".csr"))
		peertest.Run(t, openssl, "x509", "-req", "-in", f(name+".csr"), "-CA", f("ca.crt"), "-CAkey", f("ca.plain"), "-set_serial", []string{"0x1001", "0x1002"}[i], "-days", "30", "-extfile", ext, "-out", f(name+".crt"))
		peertest.Run(t, openssl, "pkcs8", "-topk8", "-in", f(name+".plain"), "-v2", "aes-256-cbc", "-passout", pass, "-out", f(name+".key"))
	}
	peertest.Run(t, openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", f("other.key"), "-subj", "/CN=Other Root", "-days", "1", "-out", f("other.crt"))

	caPEM, _ := os.ReadFile(f("ca.crt"))
	caKeyPEM, _ := os.ReadFile(f("ca.plain"))
	caCert, _ := pki.ParseCertificates(caPEM)
	caKey, err := pki.ParsePrivateKey(caKeyPEM, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	crl, err := pki.Authority{Cert: caCert[0], Key: caKey}.SignCRL(pki.CRLRequest{Number: big.NewInt(3), ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(time.Hour),
		Entries: []pki.Revoked{{Serial: big.NewInt(0x1002), Time: now.Add(-time.Hour), Reason: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	var bundle strings.Builder
	for _, part := range []string{"ca.crt", "ca.key", "Ann.crt", "Ann.key", "Ben.crt", "Ben.key", "other.crt"} {
		data, _ := os.ReadFile(f(part))
		bundle.WriteString(part + "\n") // XCA-style item names between blocks
		bundle.Write(data)
	}
	bundle.Write(pki.EncodeCRLPEM(crl))

	pkis, warnings, err := ReadPEMBundle([]byte(bundle.String()), []byte(testPassword))
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 || len(pkis) != 1 {
		t.Fatalf("%d PKIs, warnings %q", len(pkis), warnings)
	}
	p := pkis[0]
	if p.CA.Subject.CommonName != "XCA Root" || p.CAKey == nil || len(p.Certs) != 2 || p.CRLNumber != 3 {
		t.Fatalf("CA %q key %v, %d certificates, CRL number %d", p.CA.Subject.CommonName, p.CAKey != nil, len(p.Certs), p.CRLNumber)
	}
	for _, e := range p.Certs {
		wantRevoked := e.Cert.Subject.CommonName == "Ben"
		if e.Key == nil || e.Revoked() != wantRevoked || (wantRevoked && e.Reason != 1) {
			t.Errorf("%s: key %v revoked %v reason %d", e.Cert.Subject.CommonName, e.Key != nil, e.Revoked(), e.Reason)
		}
	}

	// Without the password nothing opens; with a wrong one the CA key stays shut.
	if _, _, err := ReadPEMBundle([]byte(bundle.String()), nil); !errors.Is(err, pki.ErrPasswordNeeded) {
		t.Errorf("no password: %v", err)
	}
	if _, warnings, err := ReadPEMBundle([]byte(bundle.String()), []byte("wrong")); !errors.Is(err, pki.ErrWrongPassword) || len(warnings) != 3 {
		t.Errorf("wrong password: %v %q", err, warnings)
	}
	// A bundle without the CA's key says how to export one.
	noKey := strings.Replace(bundle.String(), string(peertest.ReadFile(t, f("ca.key"))), "", 1)
	if _, _, err := ReadPEMBundle([]byte(noKey), []byte(testPassword)); err == nil || !strings.Contains(err.Error(), "CA together with its key") {
		t.Errorf("no CA key: %v", err)
	}
	if _, _, err := ReadPEMBundle([]byte("just text"), nil); err == nil || !strings.Contains(err.Error(), "not a PEM file") {
		t.Errorf("not PEM: %v", err)
	}
}
