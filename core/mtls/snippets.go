package mtls

import (
	"fmt"
	"strings"
)

// ClientFiles are the files a person has for one certificate.
type ClientFiles struct {
	Dir         string // the folder holding them
	CAFile      string // the CA that issued the server certificate (PEM)
	CertFile    string // the client certificate, with intermediates (PEM)
	KeyFile     string // its private key (PEM)
	P12File     string // optional: the PKCS#12 file
	P12Password string
	CurlConfig  string // optional: a curl -K file with the PKCS#12 file and its password
}

// Snippet is a ready-to-paste command for one tool.
type Snippet struct {
	Tool    string `json:"tool"`
	Command string `json:"command"`
}

// Snippets returns commands that connect to the test server at url
// (https://host:port/) with the given files: curl (PEM, and PKCS#12 through
// its config file), openssl s_client, and a few lines of Python's ssl
// module. No command holds a password.
func Snippets(url string, f ClientFiles) []Snippet {
	host, port := hostPort(url)
	whoami := strings.TrimSuffix(url, "/") + "/api/whoami"
	out := []Snippet{
		{"curl", fmt.Sprintf("curl --cacert %s --cert %s --key %s %s", shq(f.CAFile), shq(f.CertFile), shq(f.KeyFile), shq(whoami))},
	}
	// The PKCS#12 password stays out of argv (ps, shell history): curl
	// reads it from its config file.
	if f.P12File != "" && f.CurlConfig != "" {
		out = append(out, Snippet{"curl (PKCS#12)", fmt.Sprintf("curl --cacert %s -K %s %s",
			shq(f.CAFile), shq(f.CurlConfig), shq(whoami))})
	}
	out = append(out,
		Snippet{"openssl", fmt.Sprintf("printf 'GET /api/whoami HTTP/1.0\\r\\nHost: %s\\r\\n\\r\\n' | openssl s_client -quiet -connect %s -servername %s -CAfile %s -cert %s -cert_chain %s -key %s",
			host, shq(host+":"+port), host, shq(f.CAFile), shq(f.CertFile), shq(f.CertFile), shq(f.KeyFile))},
		Snippet{"python", fmt.Sprintf(`python3 - <<'EOF'
import json, ssl, urllib.request
ctx = ssl.create_default_context(cafile=%q)
ctx.load_cert_chain(%q, %q)
with urllib.request.urlopen(%q, context=ctx) as r:
    print(json.load(r)["explanation"])
EOF`, f.CAFile, f.CertFile, f.KeyFile, whoami)},
	)
	return out
}

func hostPort(url string) (string, string) {
	rest := strings.TrimPrefix(strings.TrimPrefix(url, "https://"), "http://")
	rest = strings.TrimSuffix(rest, "/")
	if i := strings.LastIndex(rest, ":"); i >= 0 {
		return rest[:i], rest[i+1:]
	}
	return rest, "443"
}

// shq quotes a word for POSIX shells when it needs it.
func shq(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[](){};&|<>#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
