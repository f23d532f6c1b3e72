package deploy

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"certdesk/core/export"
	"certdesk/core/pki"
)

// Kit is what a server needs beside its configuration: the CA that issues
// the clients, its current CRL, and the server's own certificate and key.
type Kit struct {
	CAName string
	CA     *x509.Certificate // the CA whose people are let in: a root, or an issuing CA
	CRL    []byte            // DER, signed by CA
	// Issuers are the CAs above an issuing CA, nearest first, ending at
	// its root (empty for a root), and IssuerCRLs their CRLs (DER), in
	// the same order.
	Issuers    []*x509.Certificate
	IssuerCRLs [][]byte
	ServerCert *x509.Certificate   // the server's certificate
	Chain      []*x509.Certificate // its issuers, nearest first (self-signed roots are left out of server.pem)
	ServerKey  crypto.Signer
	ServerName string // DNS name clients use (default localhost)
	Listen     string // host:port (default 0.0.0.0:8443)
	Backend    string // host:port of the application (default 127.0.0.1:8080)
}

// CheckCA refuses a CA that is not a root when its root is not known.
// Servers built on OpenSSL (nginx, HAProxy) cannot trust an intermediate
// alone: they need its root, a CRL from every CA in the chain, and a check
// of the issuer so the root's other intermediates stay out. A kit for an
// issuing CA whose chain up to its root the vault holds does all that
// (Kit.Issuers); without the root it is refused.
func CheckCA(ca *x509.Certificate) error {
	if bytes.Equal(ca.RawIssuer, ca.RawSubject) && ca.CheckSignatureFrom(ca) == nil {
		return nil
	}
	return fmt.Errorf("it is an intermediate CA (issued by %s) whose root this vault does not run; server configurations are written for a root, "+
		"or for an issuing CA whose root is in the vault (the kit needs the root's CRL and keeps the root's other CAs out): "+
		"configure the server by hand with the chain from certctl export", ca.Issuer)
}

// Kit file names inside the folder.
const (
	CAFileName           = "ca.pem"
	CRLFileName          = "crl.pem"
	ServerCertFileName   = "server.pem"
	ServerKeyFileName    = "server.key"
	ServerBundleFileName = "server-bundle.pem"
)

// WriteKit writes the CA, the CRL, the server's certificate (with
// intermediates), its key (0600), certificate and key in one file for
// HAProxy, and the configuration for each target into dir, which is created
// if missing. Configurations name the files by absolute path. Existing files
// are kept unless force is set. It returns the paths written.
func WriteKit(dir string, k Kit, targets []Target, force bool) ([]string, error) {
	if k.CA == nil || k.ServerCert == nil || k.ServerKey == nil || len(k.CRL) == 0 {
		return nil, errors.New("a deployment needs the CA, its CRL, and a server certificate with its key")
	}
	if len(targets) == 0 {
		return nil, errors.New("name at least one server to configure")
	}
	if err := checkHierarchy(k); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("the folder %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", abs, err)
	}
	keyPEM, err := export.KeyPEM(k.ServerKey, "")
	if err != nil {
		return nil, fmt.Errorf("the server key: %w", err)
	}
	serverPEM := bytes.Clone(pki.EncodeCertPEM(k.ServerCert))
	for _, c := range k.Chain {
		if !bytes.Equal(c.RawIssuer, c.RawSubject) {
			serverPEM = append(serverPEM, pki.EncodeCertPEM(c)...)
		}
	}
	f := Files{
		CAName: k.CAName, CAFile: filepath.Join(abs, CAFileName), CRLFile: filepath.Join(abs, CRLFileName),
		ServerCert: filepath.Join(abs, ServerCertFileName), ServerKey: filepath.Join(abs, ServerKeyFileName),
		ServerBundle: filepath.Join(abs, ServerBundleFileName),
		Listen:       defaultString(k.Listen, "0.0.0.0:8443"), ServerName: defaultString(k.ServerName, "localhost"),
		Backend:   defaultString(k.Backend, "127.0.0.1:8080"),
		ChainFile: filepath.Join(abs, ChainFileName), IssuingCAFile: filepath.Join(abs, IssuingCAFileName),
	}
	if err := hierarchyFiles(&f, k); err != nil {
		return nil, err
	}
	rootPEM, chainPEM, issuingPEM, crlPEM := hierarchyPEM(k)
	type file struct {
		path   string
		data   []byte
		secret bool
	}
	files := []file{
		{f.CAFile, rootPEM, false},
		{f.CRLFile, crlPEM, false},
		{f.ServerCert, serverPEM, false},
		{f.ServerKey, keyPEM, true},
		{f.ServerBundle, append(bytes.Clone(serverPEM), keyPEM...), true},
	}
	if f.Hierarchy {
		files = append(files, file{f.ChainFile, chainPEM, false}, file{f.IssuingCAFile, issuingPEM, false})
	}
	for _, t := range targets {
		text, err := Config(t, f)
		if err != nil {
			return nil, err
		}
		files = append(files, file{filepath.Join(abs, t.FileName()), []byte(text), false})
	}
	if !force {
		if err := checkFree(abs, targets); err != nil {
			return nil, err
		}
	}
	var written []string
	for _, fl := range files {
		if err := export.WriteFile(fl.path, fl.data, fl.secret, force); err != nil {
			return written, err
		}
		written = append(written, fl.path)
	}
	return written, nil
}

// ErrKitExists says a folder already holds (part of) a kit.
var ErrKitExists = errors.New("choose an empty folder, so an earlier kit is not overwritten")

// KitFiles are the names WriteKit writes for these targets in a kit for a
// root; a kit for an issuing CA adds ChainFileName and IssuingCAFileName.
func KitFiles(targets []Target) []string {
	names := []string{CAFileName, CRLFileName, ServerCertFileName, ServerKeyFileName, ServerBundleFileName}
	for _, t := range targets {
		names = append(names, t.FileName())
	}
	return names
}

// PrepareFolder creates dir when missing and, unless replace is set,
// refuses one that already holds (part of) a kit. Callers run it before
// issuing anything, so a folder that cannot be written changes nothing.
func PrepareFolder(dir string, targets []Target, replace bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating the folder %s: %w", dir, err)
	}
	if replace {
		return nil
	}
	return checkFree(dir, targets)
}

// checkFree reports an error when a file of the kit already exists in dir.
func checkFree(dir string, targets []Target) error {
	for _, name := range append(KitFiles(targets), ChainFileName, IssuingCAFileName) {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return fmt.Errorf("%s already exists: %w", p, ErrKitExists)
		}
	}
	return nil
}

func defaultString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
