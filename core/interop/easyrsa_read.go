package interop

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"certdesk/core/input"
	"certdesk/core/pki"
)

// maxFiles bounds how many certificate and key files a folder may hold.
const maxFiles = 200_000

// IsEasyRSA reports whether dir looks like an easy-rsa (or openssl ca)
// folder: it holds ca.crt and index.txt.
func IsEasyRSA(dir string) bool {
	for _, name := range []string{"ca.crt", "index.txt"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.IsDir() {
			return false
		}
	}
	return true
}

// ReadEasyRSA reads an easy-rsa 3 folder: the CA and its key (needed, so
// Certdesk can keep issuing), every certificate it issued (issued/,
// certs_by_serial/, revoked/, renewed/) with the keys found for them, the
// revocations in index.txt and crl.pem, and the CRL number. password opens
// encrypted keys. Certificates the CA did not sign, and keys that cannot be
// opened, are left out with a warning each.
func ReadEasyRSA(dir string, password []byte) (PKI, []string, error) {
	if !IsEasyRSA(dir) {
		return PKI{}, nil, fmt.Errorf("%s is not an easy-rsa folder: it needs ca.crt and index.txt", dir)
	}
	p, err := readCA(dir, password)
	if err != nil {
		return PKI{}, nil, err
	}
	indexData, err := readSmall(filepath.Join(dir, "index.txt"))
	if err != nil && !errors.Is(err, input.ErrEmpty) {
		return PKI{}, nil, err
	}
	rows, err := parseIndex(indexData)
	if err != nil {
		return PKI{}, nil, err
	}
	revoked := revokedRows(rows)
	warnings := readCRLState(dir, &p, revoked)
	found, certWarnings, err := readIssued(dir, &p, password, revoked)
	if err != nil {
		return PKI{}, nil, err
	}
	warnings = append(warnings, certWarnings...)
	for _, r := range rows {
		if !found[r.Serial.String()] {
			warnings = append(warnings, fmt.Sprintf("index.txt lists serial %s (%s) but no certificate file holds it", pki.SerialHex(r.Serial), r.Subject))
		}
	}
	sort.SliceStable(p.Certs, func(i, j int) bool { return p.Certs[i].Cert.NotBefore.Before(p.Certs[j].Cert.NotBefore) })
	return p, warnings, nil
}

// readCA reads ca.crt with its chain and private/ca.key.
func readCA(dir string, password []byte) (PKI, error) {
	var p PKI
	caData, err := readSmall(filepath.Join(dir, "ca.crt"))
	if err != nil {
		return PKI{}, err
	}
	certs, err := pki.ParseCertificates(caData)
	if err != nil {
		return PKI{}, fmt.Errorf("ca.crt: %w", err)
	}
	p.CA, p.Chain = certs[0], certs[1:]
	keyData, err := readSmall(filepath.Join(dir, "private", "ca.key"))
	if errors.Is(err, os.ErrNotExist) {
		return PKI{}, errors.New("the folder has no private/ca.key: Certdesk needs the CA's key to keep issuing and revoking (easy-rsa kept it elsewhere? copy it there)")
	} else if err != nil {
		return PKI{}, err
	}
	if p.CAKey, err = pki.ParsePrivateKey(keyData, password); err != nil {
		return PKI{}, fmt.Errorf("private/ca.key: %w", err)
	}
	if err := pki.KeyMatchesCertificate(p.CAKey, p.CA); err != nil {
		return PKI{}, fmt.Errorf("private/ca.key does not belong to ca.crt: %w", err)
	}
	return p, nil
}

// revokedRows indexes index.txt's revoked rows by decimal serial.
func revokedRows(rows []indexRow) map[string]indexRow {
	revoked := map[string]indexRow{}
	for _, r := range rows {
		if r.Status == 'R' {
			revoked[r.Serial.String()] = r
		}
	}
	return revoked
}

// readCRLState takes the CRL number and any revocations index.txt lacks
// from crl.pem and crlnumber; a CRL that cannot be used is a warning.
func readCRLState(dir string, p *PKI, revoked map[string]indexRow) []string {
	var warnings []string
	if data, err := readSmall(filepath.Join(dir, "crl.pem")); err == nil {
		crl, err := parseCRL(data, p.CA)
		if err != nil {
			warnings = append(warnings, "crl.pem was not used: "+err.Error())
		} else {
			p.CRL = crl.Raw
			if crl.Number != nil && crl.Number.IsInt64() {
				p.CRLNumber = crl.Number.Int64()
			}
			for _, e := range crl.RevokedCertificateEntries {
				if _, ok := revoked[e.SerialNumber.String()]; !ok {
					revoked[e.SerialNumber.String()] = indexRow{RevokedAt: e.RevocationTime, Reason: e.ReasonCode}
				}
			}
		}
	}
	if data, err := readSmall(filepath.Join(dir, "crlnumber")); err == nil {
		if next, ok := new(big.Int).SetString(strings.TrimSpace(string(data)), 16); ok && next.IsInt64() && next.Int64()-1 > p.CRLNumber {
			p.CRLNumber = next.Int64() - 1
		}
	}
	return warnings
}

// readIssued reads every certificate file the CA signed, with the keys
// found for them and their revocations, into p; it returns the serials
// found.
func readIssued(dir string, p *PKI, password []byte, revoked map[string]indexRow) (map[string]bool, []string, error) {
	certFiles, keyFiles, err := listPKIFiles(dir)
	if err != nil {
		return nil, nil, err
	}
	keys, warnings := readKeys(dir, keyFiles, password)
	seen := map[string]bool{}
	found := map[string]bool{}
	for _, f := range certFiles {
		data, err := readSmall(f)
		if err != nil {
			warnings = append(warnings, err.Error())
			continue
		}
		cs, err := pki.ParseCertificates(data)
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("%s was skipped: %v", rel(dir, f), err))
			continue
		}
		cert := cs[0]
		fp := pki.FingerprintSHA256(cert.Raw)
		if seen[fp] || cert.Equal(p.CA) {
			continue
		}
		seen[fp] = true
		if err := cert.CheckSignatureFrom(p.CA); err != nil {
			warnings = append(warnings, fmt.Sprintf("%s was skipped: it was not signed by this CA", rel(dir, f)))
			continue
		}
		e := Entry{Cert: cert, Key: keys[pki.CertificateKeySHA256(cert)]}
		if r, ok := revoked[cert.SerialNumber.String()]; ok {
			e.RevokedAt, e.Reason = r.RevokedAt, r.Reason
		}
		found[cert.SerialNumber.String()] = true
		p.Certs = append(p.Certs, e)
	}
	return found, warnings, nil
}

// readKeys opens the key files on every core and indexes them by public
// key; a key that cannot be opened is a warning.
func readKeys(dir string, files []string, password []byte) (map[string]crypto.Signer, []string) {
	parsed := make([]crypto.Signer, len(files))
	problems := make([]string, len(files))
	parallel(len(files), func(i int) {
		data, err := readSmall(files[i])
		if err == nil {
			parsed[i], err = pki.ParsePrivateKey(data, password)
		}
		if err != nil {
			problems[i] = fmt.Sprintf("%s was not read (%v): its certificate is imported without a key", rel(dir, files[i]), err)
		}
	})
	keys := map[string]crypto.Signer{}
	var warnings []string
	for i, k := range parsed {
		if k != nil {
			keys[pki.PublicKeySHA256(k.Public())] = k
		} else {
			warnings = append(warnings, problems[i])
		}
	}
	return keys, warnings
}

// listPKIFiles finds certificate and key files in the folders easy-rsa
// and openssl ca use.
func listPKIFiles(dir string) (certs, keys []string, err error) {
	certDirs := []string{"issued", "certs_by_serial", "revoked/certs_by_serial", "renewed/issued", "renewed/certs_by_serial"}
	keyDirs := []string{"private", "revoked/private_by_serial", "renewed/private_by_serial"}
	collect := func(dirs []string, exts ...string) ([]string, error) {
		var out []string
		for _, d := range dirs {
			entries, err := os.ReadDir(filepath.Join(dir, d))
			if errors.Is(err, os.ErrNotExist) {
				continue
			} else if err != nil {
				return nil, fmt.Errorf("reading %s: %w", d, err)
			}
			for _, e := range entries {
				name := e.Name()
				if e.IsDir() || name == "ca.key" || !hasExt(name, exts) {
					continue
				}
				out = append(out, filepath.Join(dir, d, name))
			}
			if len(out) > maxFiles {
				return nil, fmt.Errorf("the folder holds more than %d files in %s: not a PKI Certdesk imports", maxFiles, d)
			}
		}
		return out, nil
	}
	if certs, err = collect(certDirs, ".crt", ".pem"); err != nil {
		return nil, nil, err
	}
	keys, err = collect(keyDirs, ".key", ".pem")
	return certs, keys, err
}

func hasExt(name string, exts []string) bool {
	for _, x := range exts {
		if strings.HasSuffix(name, x) {
			return true
		}
	}
	return false
}

func rel(dir, path string) string {
	if r, err := filepath.Rel(dir, path); err == nil {
		return r
	}
	return path
}

// parseCRL reads a CRL (PEM or DER) and checks that ca signed it.
func parseCRL(data []byte, ca *x509.Certificate) (*x509.RevocationList, error) {
	der, found, err := pki.BlockDER(data, "X509 CRL")
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errors.New("no X509 CRL block")
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, fmt.Errorf("malformed CRL: %w", err)
	}
	if err := crl.CheckSignatureFrom(ca); err != nil {
		return nil, fmt.Errorf("the CRL is not signed by the CA: %w", err)
	}
	return crl, nil
}

// readSmall reads a file found in the folder: a regular file of at most
// input.MaxSize bytes.
func readSmall(path string) ([]byte, error) { return input.ReadRegularFile(path) }
