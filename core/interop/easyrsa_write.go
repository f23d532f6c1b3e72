package interop

import (
	"cmp"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"certdesk/core/export"
	"certdesk/core/pki"
)

// WriteOptions control an easy-rsa export.
type WriteOptions struct {
	// Password encrypts every private key (PKCS#8, AES-256, PBKDF2); easy-rsa
	// asks for it as the CA's pass phrase, openssl as -passin.
	Password string
	// KeyIterations is the PBKDF2 cost of each key (default
	// export.KeyPBKDF2Iterations; export.GeneratedPasswordIterations suits a
	// generated password).
	KeyIterations int
	Now           time.Time
	// Progress, when set, is told of each key encrypted.
	Progress func(done, total int)
}

// easyRSADirs are the folders easy-rsa 3 keeps in a PKI.
var easyRSADirs = []string{"issued", "private", "reqs", "certs_by_serial",
	"revoked/certs_by_serial", "revoked/private_by_serial", "revoked/reqs_by_serial"}

// WriteEasyRSA writes the PKI as an easy-rsa 3 folder that easy-rsa and
// `openssl ca -config DIR/openssl-ca.cnf` keep using: ca.crt, private/ca.key,
// issued/NAME.crt with private/NAME.key, revoked ones under revoked/,
// certs_by_serial/, index.txt, index.txt.attr, serial, crlnumber and crl.pem.
// dir must not exist or be empty; the folder appears whole or not at all.
func WriteEasyRSA(dir string, p PKI, opts WriteOptions) error {
	if p.CA == nil || p.CAKey == nil {
		return errors.New("an easy-rsa folder needs the CA's certificate and key")
	}
	if len(opts.Password) < 4 {
		return errors.New("easy-rsa needs a password of at least 4 characters for the keys")
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("the folder %s: %w", dir, err)
	}
	if entries, err := os.ReadDir(abs); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty: choose a new folder for the easy-rsa PKI", abs)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("the folder %s: %w", abs, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(abs), err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(abs), "."+filepath.Base(abs)+"-*")
	if err != nil {
		return fmt.Errorf("creating the folder: %w", err)
	}
	defer os.RemoveAll(tmp) // gone once renamed
	if err := os.Chmod(tmp, 0o700); err != nil {
		return err
	}
	if err := writeEasyRSAFiles(tmp, abs, p, opts); err != nil {
		return err
	}
	os.Remove(abs) // an empty folder the user made
	if err := os.Rename(tmp, abs); err != nil {
		return fmt.Errorf("moving the PKI into place: %w", err)
	}
	return nil
}

func writeEasyRSAFiles(tmp, final string, p PKI, opts WriteOptions) error {
	for _, d := range easyRSADirs {
		if err := os.MkdirAll(filepath.Join(tmp, d), 0o700); err != nil {
			return fmt.Errorf("creating %s: %w", d, err)
		}
	}
	keys, err := encryptKeys(p, opts)
	if err != nil {
		return err
	}
	type file struct {
		name   string
		data   []byte
		secret bool
	}
	files := []file{
		{"ca.crt", caWithChain(p), false},
		{"private/ca.key", keys[-1], true},
		{"index.txt.attr", []byte("unique_subject = no\n"), false},
		{"serial", []byte(randomSerialHex() + "\n"), false},
		{"crlnumber", []byte(evenHex(p.CRLNumber+1) + "\n"), false},
		{"openssl-ca.cnf", []byte(opensslCAConfig(final)), false},
		{"openssl-easyrsa.cnf", []byte(easyRSAConfig), false},
	}
	if len(p.CRL) > 0 {
		files = append(files, file{"crl.pem", pki.EncodeCRLPEM(p.CRL), false})
	}
	var index strings.Builder
	used := map[string]bool{"ca": true}
	for i, e := range p.Certs {
		serial := pki.SerialHex(e.Cert.SerialNumber)
		row := indexRow{Status: 'V', Expires: e.Cert.NotAfter, Serial: e.Cert.SerialNumber, Subject: onelineSubject(e.Cert)}
		certPEM := pki.EncodeCertPEM(e.Cert)
		files = append(files, file{"certs_by_serial/" + serial + ".pem", certPEM, false})
		switch {
		case e.Revoked():
			row.Status, row.RevokedAt, row.Reason = 'R', e.RevokedAt, e.Reason
			files = append(files, file{"revoked/certs_by_serial/" + serial + ".crt", certPEM, false})
			if keys[i] != nil {
				files = append(files, file{"revoked/private_by_serial/" + serial + ".key", keys[i], true})
			}
		default:
			if !opts.Now.Before(e.Cert.NotAfter) {
				row.Status = 'E'
			}
			name := uniqueName(used, e.Cert, serial)
			files = append(files, file{"issued/" + name + ".crt", certPEM, false})
			if keys[i] != nil {
				files = append(files, file{"private/" + name + ".key", keys[i], true})
			}
		}
		index.WriteString(row.format())
	}
	files = append(files, file{"index.txt", []byte(index.String()), false})
	for _, f := range files {
		mode := os.FileMode(0o644)
		if f.secret {
			mode = 0o600
		}
		if err := os.WriteFile(filepath.Join(tmp, f.name), f.data, mode); err != nil {
			return fmt.Errorf("writing %s: %w", f.name, err)
		}
	}
	return nil
}

// uniqueName is the easy-rsa entity name of a certificate: its common name
// as a file name, with the serial's start added when two share it.
func uniqueName(used map[string]bool, cert *x509.Certificate, serial string) string {
	name := export.FileStem(cert.Subject.CommonName)
	if name == "" {
		name = "cert"
	}
	if used[name] {
		name += "-" + serial[:min(8, len(serial))]
	}
	for n := 2; used[name]; n++ {
		name = fmt.Sprintf("%s-%s-%d", export.FileStem(cert.Subject.CommonName), serial[:min(8, len(serial))], n)
	}
	used[name] = true
	return name
}

// encryptKeys encrypts the CA key (at -1) and every entry's key (at its
// index), on every core.
func encryptKeys(p PKI, opts WriteOptions) (map[int][]byte, error) {
	todo := []int{-1}
	for i, e := range p.Certs {
		if e.Key != nil {
			todo = append(todo, i)
		}
	}
	out := make(map[int][]byte, len(todo))
	var mu sync.Mutex
	var firstErr error
	done := 0
	parallel(len(todo), func(j int) {
		i, key := todo[j], p.CAKey
		if i >= 0 {
			key = p.Certs[i].Key
		}
		data, err := export.KeyPEMWithCost(key, opts.Password, cmp.Or(opts.KeyIterations, export.KeyPBKDF2Iterations))
		mu.Lock()
		defer mu.Unlock()
		if err != nil && firstErr == nil {
			firstErr = err
		}
		out[i] = data
		done++
		if opts.Progress != nil {
			opts.Progress(done, len(todo))
		}
	})
	return out, firstErr
}

func randomSerialHex() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[0] &= 0x7f // positive
	return strings.ToUpper(hex.EncodeToString(b))
}

// evenHex writes n in upper-case hex with an even number of digits, as
// OpenSSL keeps its serial and crlnumber files.
func evenHex(n int64) string {
	s := fmt.Sprintf("%X", n)
	if len(s)%2 == 1 {
		s = "0" + s
	}
	return s
}

// opensslCAConfig lets `openssl ca` keep issuing, revoking and signing CRLs
// from the folder with Certdesk's client profile.
func opensslCAConfig(dir string) string {
	return `# openssl ca configuration for this PKI, written by Certdesk.
#   Sign a request:  openssl ca -config openssl-ca.cnf -in person.csr -out issued/person.crt
#   Revoke:          openssl ca -config openssl-ca.cnf -revoke issued/person.crt -crl_reason superseded
#   Publish a CRL:   openssl ca -config openssl-ca.cnf -gencrl -out crl.pem
# easy-rsa uses its own openssl-easyrsa.cnf and the same database.
[ ca ]
default_ca = certdesk

[ certdesk ]
dir              = ` + dir + `
database         = $dir/index.txt
new_certs_dir    = $dir/certs_by_serial
certificate      = $dir/ca.crt
private_key      = $dir/private/ca.key
serial           = $dir/serial
crlnumber        = $dir/crlnumber
unique_subject   = no
default_md       = sha256
default_days     = 365
default_crl_days = 30
policy           = any_name
x509_extensions  = client_cert
copy_extensions  = none
preserve         = no

[ any_name ]
commonName             = supplied
emailAddress           = optional
organizationName       = optional
organizationalUnitName = optional
countryName            = optional

# Certdesk's client profile: a person's certificate for mutual TLS.
[ client_cert ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
`
}

// easyRSAConfig is the OpenSSL configuration easy-rsa 3 expects in the PKI
// (easy-rsa 3.1.0 fails without it and only writes it at init-pki). Its
// section names and $ENV variables are the ones easy-rsa sets; newer
// easy-rsa versions replace it with their own.
const easyRSAConfig = `# OpenSSL configuration for easy-rsa 3, written by Certdesk.
[ ca ]
default_ca = CA_default

[ CA_default ]
dir              = $ENV::EASYRSA_PKI
certs            = $dir
crl_dir          = $dir
database         = $dir/index.txt
new_certs_dir    = $dir/certs_by_serial
certificate      = $dir/ca.crt
serial           = $dir/serial
# Unlike easy-rsa's own file: number every CRL (RFC 5280 requires it), on
# from the numbers Certdesk used.
crlnumber        = $dir/crlnumber
crl              = $dir/crl.pem
private_key      = $dir/private/ca.key
x509_extensions  = basic_exts
crl_extensions   = crl_ext
default_days     = $ENV::EASYRSA_CERT_EXPIRE
default_crl_days = $ENV::EASYRSA_CRL_DAYS
default_md       = $ENV::EASYRSA_DIGEST
preserve         = no
unique_subject   = no
policy           = policy_anything

[ policy_anything ]
countryName            = optional
stateOrProvinceName    = optional
localityName           = optional
organizationName       = optional
organizationalUnitName = optional
commonName             = supplied
name                   = optional
emailAddress           = optional

[ req ]
default_bits       = $ENV::EASYRSA_KEY_SIZE
default_md         = $ENV::EASYRSA_DIGEST
distinguished_name = $ENV::EASYRSA_DN
x509_extensions    = easyrsa_ca

[ cn_only ]
commonName         = Common Name
commonName_max     = 64
commonName_default = $ENV::EASYRSA_REQ_CN

[ org ]
countryName                    = Country Name (2 letter code)
countryName_default            = $ENV::EASYRSA_REQ_COUNTRY
countryName_min                = 2
countryName_max                = 2
stateOrProvinceName            = State or Province Name
stateOrProvinceName_default    = $ENV::EASYRSA_REQ_PROVINCE
localityName                   = Locality Name
localityName_default           = $ENV::EASYRSA_REQ_CITY
0.organizationName             = Organization Name
0.organizationName_default     = $ENV::EASYRSA_REQ_ORG
organizationalUnitName         = Organizational Unit Name
organizationalUnitName_default = $ENV::EASYRSA_REQ_OU
commonName                     = Common Name
commonName_max                 = 64
commonName_default             = $ENV::EASYRSA_REQ_CN
emailAddress                   = Email Address
emailAddress_default           = $ENV::EASYRSA_REQ_EMAIL
emailAddress_max               = 64

[ basic_exts ]
basicConstraints       = CA:FALSE
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid,issuer:always

[ easyrsa_ca ]
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always,issuer:always
basicConstraints       = CA:true
keyUsage               = cRLSign, keyCertSign

[ crl_ext ]
authorityKeyIdentifier = keyid:always,issuer:always
`

// caWithChain is ca.crt: the CA, then its issuers up to the root (openssl
// ca signs with the first; easy-rsa and Certdesk read the rest as its chain).
func caWithChain(p PKI) []byte {
	out := pki.EncodeCertPEM(p.CA)
	for _, c := range p.Chain {
		out = append(out, pki.EncodeCertPEM(c)...)
	}
	return out
}
