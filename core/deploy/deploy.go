// Package deploy writes configuration that makes real servers check client
// certificates issued by a CA: nginx, Apache httpd, HAProxy, Caddy, a
// Python ssl server, Gunicorn and Go. Every line is explained, and each
// passes the client's identity to the application in the same headers:
// X-Client-Verify, X-Client-DN, X-Client-Serial, X-Client-Fingerprint.
package deploy

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"text/template"
)

// Target is a kind of server.
type Target string

// The servers Certdesk writes configuration for.
const (
	Nginx    Target = "nginx"
	Apache   Target = "apache"
	HAProxy  Target = "haproxy"
	Caddy    Target = "caddy"
	Python   Target = "python"
	Gunicorn Target = "gunicorn"
	Go       Target = "go"
)

// Targets lists them all.
var Targets = []Target{Nginx, Apache, HAProxy, Caddy, Python, Gunicorn, Go}

// FileName is the usual name of the generated file.
func (t Target) FileName() string {
	switch t {
	case Nginx:
		return "nginx-mtls.conf"
	case Apache:
		return "apache-mtls.conf"
	case HAProxy:
		return "haproxy-mtls.cfg"
	case Caddy:
		return "Caddyfile"
	case Python:
		return "mtls_server.py"
	case Gunicorn:
		return "gunicorn_mtls.conf.py"
	case Go:
		return "mtls_server.go"
	}
	return string(t)
}

// Files are the paths and addresses a configuration refers to.
type Files struct {
	CAName       string // for comments
	CAFile       string // the CA certificate (PEM)
	CRLFile      string // its CRL (PEM)
	ServerCert   string // the server certificate with intermediates (PEM)
	ServerKey    string // its key (PEM)
	ServerBundle string // certificate and key in one PEM (HAProxy)
	Listen       string // host:port the server listens on
	ServerName   string // DNS name clients use
	Backend      string // host:port of the application behind a proxy
	// Of a kit for an issuing CA (Hierarchy): the root and every CA up to
	// it (ChainFile), the issuing CA alone (IssuingCAFile), how deep
	// chains go (the client and its CAs), and the issuing CA's name as
	// OpenSSL-based servers print it (RFC 2253) and as Python does.
	Hierarchy     bool
	ChainFile     string
	IssuingCAFile string
	Depth         int
	IssuerDN      string
	IssuerPython  string
}

// ParseTarget reads a target name.
func ParseTarget(s string) (Target, error) {
	for _, t := range Targets {
		if strings.EqualFold(string(t), strings.TrimSpace(s)) {
			return t, nil
		}
	}
	names := make([]string, len(Targets))
	for i, t := range Targets {
		names[i] = string(t)
	}
	sort.Strings(names)
	return "", fmt.Errorf("unknown server %q: use one of %s", s, strings.Join(names, ", "))
}

// Config writes the configuration for one server.
func Config(t Target, f Files) (string, error) {
	tmpl, ok := templates[t]
	if h, hok := hierarchyTemplates[t]; hok && f.Hierarchy {
		tmpl = h
	}
	if !ok {
		return "", fmt.Errorf("no configuration for %q", t)
	}
	if f.ServerName == "" {
		f.ServerName = "localhost"
	}
	if err := CheckAddresses(f.Listen, f.Backend); err != nil {
		return "", err
	}
	if strings.ContainsFunc(f.ServerName, func(r rune) bool { return !isNameRune(r) }) {
		return "", fmt.Errorf("the server name %q is not a DNS name or IP address", f.ServerName)
	}
	host, port := splitHostPort(f.Listen)
	var b strings.Builder
	funcs := template.FuncMap{"conf": quoteConf, "str": strconv.Quote}
	err := template.Must(template.New(string(t)).Funcs(funcs).Parse(tmpl)).Execute(&b, struct {
		Files
		Host, Port string
	}{f, host, port})
	if err != nil {
		return "", fmt.Errorf("writing the %s configuration: %w", t, err)
	}
	return b.String(), nil
}

// quoteConf quotes a file path for nginx, Apache, HAProxy and Caddy, which
// all read "…" with \" and \\ escapes: a folder with spaces stays one word.
func quoteConf(path string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(path) + `"`
}

// CheckAddresses checks the listen and application addresses before
// anything is issued for a kit.
func CheckAddresses(listen, backend string) error {
	if err := checkAddress("listen address", listen); err != nil {
		return err
	}
	return checkAddress("application address", backend)
}

// checkAddress accepts host:port with a numeric port and a host of name
// characters, so nothing a user types can add lines to a configuration.
func checkAddress(what, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("the %s %q is not host:port (for example 0.0.0.0:8443)", what, addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("the %s %q has no port between 1 and 65535", what, addr)
	}
	if host == "" || strings.ContainsFunc(host, func(r rune) bool { return !isNameRune(r) }) {
		return fmt.Errorf("the %s %q needs a host name or IP address before the port", what, addr)
	}
	return nil
}

func isNameRune(r rune) bool {
	return r < 128 && (r == '.' || r == '-' || r == ':' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
}

func splitHostPort(addr string) (string, string) {
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		return strings.Trim(addr[:i], "[]"), addr[i+1:]
	}
	return addr, "443"
}

// ParseTargets reads a comma-separated list of server names, or "all".
func ParseTargets(s string) ([]Target, error) {
	if strings.EqualFold(strings.TrimSpace(s), "all") {
		return Targets, nil
	}
	var out []Target
	seen := map[Target]bool{}
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		t, err := ParseTarget(part)
		if err != nil {
			return nil, err
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("name at least one server (nginx, apache, haproxy, caddy, python, gunicorn, go) or all")
	}
	return out, nil
}
