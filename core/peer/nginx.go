package peer

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// NginxConfig is an nginx main configuration for a foreground nginx
// confined to one folder: no daemon, no master process, one worker, its pid
// file and temporary files inside Dir, and its log on stderr, where
// StartServer collects it and shows it when nginx does not start.
type NginxConfig struct {
	Dir         string // prefix folder: nginx.conf, nginx.pid and tmp/ go here
	LogLevel    string // error_log level; "" is nginx's default (error)
	Connections int    // worker_connections; 0 is nginx's default
	HTTP        string // the rest of the http block: server blocks, or an include
}

// File is the path Write writes the configuration to.
func (c NginxConfig) File() string { return filepath.Join(c.Dir, "nginx.conf") }

// Args are nginx's command-line arguments for this configuration: the
// prefix, the file, and the log on stderr even before nginx has read the
// file.
func (c NginxConfig) Args() []string {
	return []string{"-p", c.Dir, "-c", c.File(), "-e", "stderr"}
}

// String is the configuration's text.
func (c NginxConfig) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "daemon off;\nmaster_process off;\nworker_processes 1;\npid %s;\n", quote(filepath.Join(c.Dir, "nginx.pid")))
	fmt.Fprintf(&b, "error_log stderr%s;\n", prefixed(" ", c.LogLevel))
	if c.Connections > 0 {
		fmt.Fprintf(&b, "events { worker_connections %d; }\n", c.Connections)
	} else {
		b.WriteString("events {}\n")
	}
	tmp := filepath.Join(c.Dir, "tmp")
	fmt.Fprintf(&b, "http {\n\taccess_log off;\n")
	for _, dir := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		fmt.Fprintf(&b, "\t%s_temp_path %s;\n", dir, quote(tmp))
	}
	fmt.Fprintf(&b, "%s\n}\n", indent(c.HTTP))
	return b.String()
}

// Write creates Dir/tmp and writes the configuration to File.
func (c NginxConfig) Write() error {
	if err := os.MkdirAll(filepath.Join(c.Dir, "tmp"), 0o700); err != nil {
		return fmt.Errorf("nginx configuration: %w", err)
	}
	if err := os.WriteFile(c.File(), []byte(c.String()), 0o600); err != nil {
		return fmt.Errorf("nginx configuration: %w", err)
	}
	return nil
}

// NginxMTLSServer is an nginx server block that asks for a client
// certificate and answers every request, a refused certificate's too
// (errors 495 and 496), with 200 and nginx's own $ssl_client_verify: the
// reference verdict the tests and benchmarks compare with.
type NginxMTLSServer struct {
	Listen      string   // address, such as 127.0.0.1:8443
	Certificate string   // server certificate file (PEM)
	Key         string   // server key file (PEM)
	ClientCA    string   // the CAs client certificates are verified against (PEM)
	Verify      string   // ssl_verify_client: on, optional or optional_no_ca
	Depth       int      // ssl_verify_depth; 0 is nginx's default (1)
	CRL         string   // ssl_crl file; "" checks no revocation
	Directives  []string // more directives for the block, each without its ';'
}

// String is the server block's text.
func (s NginxMTLSServer) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "server {\n\tlisten %s ssl;\n", s.Listen)
	line := func(format string, args ...any) { fmt.Fprintf(&b, "\t"+format+";\n", args...) }
	line("ssl_certificate %s", quote(s.Certificate))
	line("ssl_certificate_key %s", quote(s.Key))
	line("ssl_client_certificate %s", quote(s.ClientCA))
	line("ssl_verify_client %s", s.Verify)
	if s.Depth > 0 {
		line("ssl_verify_depth %d", s.Depth)
	}
	if s.CRL != "" {
		line("ssl_crl %s", quote(s.CRL))
	}
	line("ssl_session_tickets off")
	for _, d := range s.Directives {
		line("%s", d)
	}
	line("error_page 495 496 = @verify")
	b.WriteString("\tlocation / { return 200 \"$ssl_client_verify\\n\"; }\n")
	b.WriteString("\tlocation @verify { return 200 \"$ssl_client_verify\\n\"; }\n}")
	return b.String()
}

// quote quotes a path for nginx, which reads "…" with \" and \\ escapes:
// a folder with spaces stays one word.
func quote(path string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(path) + `"`
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

// indent puts a tab before every line of s.
func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "\t" + l
		}
	}
	return strings.Join(lines, "\n")
}
