package deploy

// templates holds one text/template per server. Comments say what each
// line does; all of them hand the application the same identity headers.
var templates = map[Target]string{
	Nginx: `# nginx: accept only clients with a certificate from the CA "{{.CAName}}".
# Include this file inside the http { } block (for example in sites-enabled/).
# After publishing a new CRL, reload nginx: it reads ssl_crl only at (re)load,
# and refuses every client once that CRL has expired.
server {
    listen {{.Listen}} ssl;                      # the HTTPS port
    server_name {{.ServerName}};

    ssl_certificate     {{conf .ServerCert}};        # this server's certificate, with intermediates
    ssl_certificate_key {{conf .ServerKey}};         # and its private key

{{- if .Hierarchy}}
    ssl_client_certificate {{conf .CAFile}};          # trust client certificates that lead up to this root
    ssl_trusted_certificate {{conf .ChainFile}};     # and the CAs between (for clients that send only their own certificate)
    ssl_verify_client on;                        # no valid client certificate: HTTP 400, no access
    ssl_verify_depth {{.Depth}};                          # client certificate, then its {{.Depth}} CAs up to the root
    ssl_crl {{conf .CRLFile}};                        # a CRL for every CA of the chain (publish each with: certctl crl)
{{- else}}
    ssl_client_certificate {{conf .CAFile}};          # trust client certificates issued by this CA only
    ssl_verify_client on;                        # no valid client certificate: HTTP 400, no access
    ssl_verify_depth 2;                          # client certificate, then at most one CA
    ssl_crl {{conf .CRLFile}};                        # revoked certificates (publish with: certctl crl)
{{- end}}

{{- if .Hierarchy}}

    # The root also signs other issuing CAs: let in only people of
    # "{{.CAName}}", by the issuer nginx verified (RFC 2253, as nginx prints it).
    if ($ssl_client_i_dn != "{{.IssuerDN}}") {
        return 403;
    }
{{- end}}

    location / {
        # What the application receives about the client:
        proxy_set_header X-Client-Verify      $ssl_client_verify;       # SUCCESS
        proxy_set_header X-Client-DN          $ssl_client_s_dn;         # CN=Alice Example,...
        proxy_set_header X-Client-Serial      $ssl_client_serial;       # hex, as certctl shows it
        proxy_set_header X-Client-Fingerprint $ssl_client_fingerprint;  # SHA-1, lowercase hex
        proxy_pass http://{{.Backend}};          # your application
    }
}
`,

	Apache: `# Apache httpd: accept only clients with a certificate from the CA "{{.CAName}}".
# Needs mod_ssl, mod_headers, mod_proxy and mod_proxy_http
# (a2enmod ssl headers proxy proxy_http). Reload Apache after publishing a new CRL.
# (Apache allows no comment after a directive, so each comment stands above its line.)
Listen {{.Listen}}
<VirtualHost {{.Listen}}>
    ServerName {{.ServerName}}
    SSLEngine on
    # This server's certificate, with intermediates, and its private key.
    SSLCertificateFile    {{conf .ServerCert}}
    SSLCertificateKeyFile {{conf .ServerKey}}

{{- if .Hierarchy}}
    # Trust client certificates that lead up to the root, through these CAs.
    SSLCACertificateFile  {{conf .ChainFile}}
    # No valid client certificate: the handshake fails.
    SSLVerifyClient require
    # The client certificate, then its {{.Depth}} CAs up to the root.
    SSLVerifyDepth {{.Depth}}
    # A CRL for every CA of the chain (publish each with: certctl crl), checked at every level.
    SSLCARevocationFile   {{conf .CRLFile}}
    SSLCARevocationCheck  chain
    # The root also signs other issuing CAs: let in only people of "{{.CAName}}".
    <Location "/">
        Require expr "%{SSL_CLIENT_I_DN} == '{{.IssuerDN}}'"
    </Location>
{{- else}}
    # Trust client certificates issued by this CA only.
    SSLCACertificateFile  {{conf .CAFile}}
    # No valid client certificate: the handshake fails.
    SSLVerifyClient require
    # The client certificate, then at most one CA.
    SSLVerifyDepth 2
    # Revoked certificates (publish with: certctl crl), checked for the client's own certificate.
    SSLCARevocationFile   {{conf .CRLFile}}
    SSLCARevocationCheck  leaf
{{- end}}

    # What the application receives about the client: SUCCESS, the subject
    # (CN=Alice Example,O=...), the serial in hex as certctl shows it.
    RequestHeader set X-Client-Verify      "%{SSL_CLIENT_VERIFY}s"
    RequestHeader set X-Client-DN          "%{SSL_CLIENT_S_DN}s"
    RequestHeader set X-Client-Serial      "%{SSL_CLIENT_M_SERIAL}s"
    # mod_ssl offers no fingerprint: identify the client by its serial. The
    # line drops any X-Client-Fingerprint a client sends, so none is forged.
    RequestHeader unset X-Client-Fingerprint

    # Your application.
    ProxyPass        / http://{{.Backend}}/
    ProxyPassReverse / http://{{.Backend}}/
</VirtualHost>
`,

	HAProxy: `# HAProxy: accept only clients with a certificate from the CA "{{.CAName}}".
# Add these sections to haproxy.cfg. Reload HAProxy after publishing a new CRL.
frontend mtls
    mode http
    # crt: this server's certificate and key in one PEM file; ca-file: trust
    # client certificates from this CA only; verify required: no valid client
    # certificate, no handshake; crl-file: revoked certificates.
{{- if .Hierarchy}}
    # For an issuing CA: ca-file holds it, the CAs above it and the root;
    # crl-file a CRL for every one of them (HAProxy then checks every level).
    bind {{.Listen}} ssl crt {{conf .ServerBundle}} ca-file {{conf .ChainFile}} verify required crl-file {{conf .CRLFile}}
    # The root also signs other issuing CAs: let in only people of "{{.CAName}}".
    http-request deny deny_status 403 unless { ssl_c_i_dn(,0,rfc2253) -m str "{{.IssuerDN}}" }
{{- else}}
    bind {{.Listen}} ssl crt {{conf .ServerBundle}} ca-file {{conf .CAFile}} verify required crl-file {{conf .CRLFile}}
{{- end}}
    # What the application receives about the client (set-header replaces
    # whatever a client sent): SUCCESS, the subject (CN=Alice Example,O=...),
    # the serial in hex as certctl shows it, the SHA-1 fingerprint in hex.
    http-request set-header X-Client-Verify      SUCCESS if { ssl_c_verify 0 }
    http-request set-header X-Client-DN          %{+Q}[ssl_c_s_dn(,0,rfc2253)]
    http-request set-header X-Client-Serial      %[ssl_c_serial,hex]
    http-request set-header X-Client-Fingerprint %[ssl_c_sha1,hex,lower]
    default_backend app

backend app
    mode http
    server app {{.Backend}}                      # your application
`,

	Caddy: `# Caddy: accept only clients with a certificate from the CA "{{.CAName}}".
# Caddy does not read CRLs: a revoked certificate is let in until it expires.
# Keep person certificates short-lived, or refuse revoked ones in the
# application by their X-Client-Fingerprint (SHA-256, as certctl shows it).
{{.ServerName}}:{{.Port}} {
	# The address to listen on.
	bind {{.Host}}
	# This server's certificate and key.
	tls {{conf .ServerCert}} {{conf .ServerKey}} {
		client_auth {
			# No valid client certificate, no handshake.
			mode require_and_verify
			# Trust client certificates from this CA only
			# (Caddy 2.8 and newer also accept: trust_pool file <path>).
			# Caddy (Go) takes an issuing CA as its own trust anchor, so the
			# root's other issuing CAs stay out.
			trusted_ca_cert_file {{if .Hierarchy}}{{conf .IssuingCAFile}}{{else}}{{conf .CAFile}}{{end}}
		}
	}
	# Your application, and what it receives about the client (header_up
	# replaces whatever a client sent). Caddy writes the serial in decimal
	# and the fingerprint as SHA-256 (certctl show prints both forms).
	reverse_proxy {{.Backend}} {
		header_up X-Client-Verify SUCCESS
		header_up X-Client-DN {http.request.tls.client.subject}
		header_up X-Client-Serial {http.request.tls.client.serial}
		header_up X-Client-Fingerprint {http.request.tls.client.fingerprint}
	}
}
`,

	Python: `# A Python HTTPS server (standard library only) that accepts only clients
# with a certificate from the CA "{{.CAName}}" that is not in its CRL.
# Run: python3 mtls_server.py   Restart it after publishing a new CRL.
import http.server
import ssl

LISTEN = ({{str .Host}}, {{.Port}})

context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain({{str .ServerCert}}, {{str .ServerKey}})  # this server's certificate and key
{{- if .Hierarchy}}
context.load_verify_locations({{str .ChainFile}})  # the issuing CA, the CAs above it and the root
context.load_verify_locations({{str .CRLFile}})   # a CRL for every one of them
context.verify_flags |= ssl.VERIFY_CRL_CHECK_CHAIN  # refuse a revoked client certificate or CA, at every level
context.verify_mode = ssl.CERT_REQUIRED           # no valid client certificate, no handshake
# The root also signs other issuing CAs: only people of "{{.CAName}}" are let
# in, by the issuer Python verified (the check is in do_GET below).
ISSUING_CA = {{.IssuerPython}}
{{- else}}
context.load_verify_locations({{str .CAFile}})    # trust client certificates from this CA only
context.load_verify_locations({{str .CRLFile}})   # and know its revoked certificates
context.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF  # refuse a revoked client certificate
context.verify_mode = ssl.CERT_REQUIRED           # no valid client certificate, no handshake
{{- end}}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        cert = self.connection.getpeercert()  # what the application knows about the client
{{- if .Hierarchy}}
        if cert.get("issuer") != ISSUING_CA:  # a person of another issuing CA under the same root
            self.send_response(403)
            self.end_headers()
            return
{{- end}}
        subject = dict(x[0] for x in cert["subject"])
        body = "Hello, %s (serial %s)\n" % (subject.get("commonName", "?"), cert.get("serialNumber", "?"))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())


server = http.server.HTTPServer(LISTEN, Handler)
server.socket = context.wrap_socket(server.socket, server_side=True)
print("serving https://%s:%d/" % LISTEN, flush=True)
server.serve_forever()
`,

	Gunicorn: `# Gunicorn: accept only clients with a certificate from the CA "{{.CAName}}".
# Run: gunicorn -c gunicorn_mtls.conf.py yourapp:app
# Gunicorn sends no identity headers; the application reads the client's
# certificate from the connection:
#     cert = environ["gunicorn.socket"].getpeercert()
#     name = dict(x[0] for x in cert["subject"])["commonName"]
# Revocation: Gunicorn 21 and newer call ssl_context() below, which loads the
# CRL. Gunicorn 20 (Debian 12's) ignores it and lets a revoked certificate in:
# upgrade, or put nginx in front (nginx-mtls.conf). Restart after a new CRL.
{{- if .Hierarchy}}
# Gunicorn cannot restrict clients to one issuing CA: it lets in people of
# every issuing CA under the root. The application must check the issuer:
#     if cert["issuer"] != {{.IssuerPython}}: refuse (403)
# or put nginx in front (nginx-mtls.conf checks it).
{{- end}}
import ssl

bind = {{str .Listen}}
certfile = {{str .ServerCert}}      # this server's certificate, with intermediates
keyfile = {{str .ServerKey}}        # and its private key
{{- if .Hierarchy}}
ca_certs = {{str .ChainFile}}          # the issuing CA, the CAs above it and the root
{{- else}}
ca_certs = {{str .CAFile}}          # trust client certificates from this CA only
{{- end}}
cert_reqs = ssl.CERT_REQUIRED     # no valid client certificate, no handshake


def ssl_context(conf, default_ssl_context_factory):
    context = default_ssl_context_factory()            # the settings above
{{- if .Hierarchy}}
    context.load_verify_locations({{str .CRLFile}})      # a CRL for every CA of the chain
    context.verify_flags |= ssl.VERIFY_CRL_CHECK_CHAIN  # refuse a revoked client certificate or CA
{{- else}}
    context.load_verify_locations({{str .CRLFile}})      # the CA's revoked certificates
    context.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF  # refuse a revoked client certificate
{{- end}}
    return context
`,

	Go: `// A Go HTTPS server that accepts only clients with a certificate from the CA
// "{{.CAName}}" that is not in its CRL. Run: go run mtls_server.go
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"
)

func main() {
	caPEM, err := os.ReadFile({{str .CAFile}}) // trust client certificates from this CA only
	if err != nil {
		log.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		log.Fatal("no CA certificate in the CA file")
	}
	revoked := loadCRL({{str .CRLFile}}, caPEM) // serials of revoked certificates

	server := &http.Server{
		Addr:              {{str .Listen}},
		ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{
			ClientAuth:             tls.RequireAndVerifyClientCert, // no valid client certificate, no handshake
			ClientCAs:              pool,
			SessionTicketsDisabled: true, // judge every connection afresh
			VerifyConnection: func(cs tls.ConnectionState) error { // Go checks no CRL: do it here
				if len(cs.PeerCertificates) > 0 && revoked[cs.PeerCertificates[0].SerialNumber.String()] {
					return errors.New("client certificate revoked")
				}
				return nil
			},
		},
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			client := r.TLS.PeerCertificates[0] // what the application knows about the client
			fmt.Fprintf(w, "Hello, %s (serial %X)\n", client.Subject.CommonName, client.SerialNumber)
		}),
	}
	log.Fatal(server.ListenAndServeTLS({{str .ServerCert}}, {{str .ServerKey}}))
}

// loadCRL reads the revoked serials from a CRL the CA signed. Restart after
// publishing a new CRL.
func loadCRL(path string, caPEM []byte) map[string]bool {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	if block, _ := pem.Decode(data); block != nil {
		data = block.Bytes
	}
	crl, err := x509.ParseRevocationList(data)
	if err != nil {
		log.Fatal(err)
	}
	block, _ := pem.Decode(caPEM)
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		log.Fatal(err)
	}
	if err := crl.CheckSignatureFrom(ca); err != nil {
		log.Fatalf("%s is not signed by the CA: %v", path, err)
	}
	if time.Now().After(crl.NextUpdate) {
		log.Fatalf("%s expired on %s: publish a new one (certctl crl)", path, crl.NextUpdate.Format(time.DateOnly))
	}
	out := map[string]bool{}
	for _, e := range crl.RevokedCertificateEntries {
		out[e.SerialNumber.String()] = true
	}
	return out
}
`,
}
