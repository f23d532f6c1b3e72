package mtls

import (
	"context"
	"crypto/tls"
	"embed"
	"encoding/json"
	"html/template"
	"net"
	"net/http"

	"certdesk/core/verdict"
)

//go:embed page.html
var pageFS embed.FS

var pageTemplate = template.Must(template.ParseFS(pageFS, "page.html"))

type ctxKey struct{}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/whoami", s.whoami)
	mux.HandleFunc("GET /{$}", s.page)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		st := stateOf(r)
		if st != nil {
			s.publish(st, r.TLS, http.StatusNotFound, r.URL.Path, "")
		}
		http.NotFound(w, r)
	})
	return mux
}

func (s *Server) connContext(ctx context.Context, c net.Conn) context.Context {
	if tc, ok := c.(*tls.Conn); ok {
		if v, ok := s.states.Load(tc); ok {
			return context.WithValue(ctx, ctxKey{}, v.(*connState))
		}
	}
	return ctx
}

func stateOf(r *http.Request) *connState {
	st, _ := r.Context().Value(ctxKey{}).(*connState)
	return st
}

// statusFor maps a verdict to the HTTP status the page answers with.
func (s *Server) statusFor(res verdict.Result) int {
	switch {
	case res.Verdict.Allowed():
		return http.StatusOK
	case res.Verdict == verdict.NoCertificate && s.Mode() == Optional:
		return http.StatusOK
	case res.Verdict == verdict.NoCertificate:
		return http.StatusBadRequest
	}
	return http.StatusForbidden
}

// WhoAmI is the body of GET /api/whoami: the verdict with the identity,
// and what the connection looked like.
type WhoAmI struct {
	verdict.Result
	TLSVersion string `json:"tls_version"`
	Cipher     string `json:"cipher"`
	Mode       Mode   `json:"mode"`
}

func (s *Server) resultFor(r *http.Request) (verdict.Result, *connState) {
	st := stateOf(r)
	if st == nil || st.result == nil {
		return verdict.Judge(nil, s.trust.Load(), s.cfg.Now()), st
	}
	return *st.result, st
}

func (s *Server) whoami(w http.ResponseWriter, r *http.Request) {
	res, st := s.resultFor(r)
	status := s.statusFor(res)
	body := WhoAmI{Result: res, Mode: s.Mode()}
	if r.TLS != nil {
		body.TLSVersion, body.Cipher = tls.VersionName(r.TLS.Version), tls.CipherSuiteName(r.TLS.CipherSuite)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(body)
	if st != nil {
		s.publish(st, r.TLS, status, r.URL.Path, "")
	}
}

type pageData struct {
	verdict.Result
	Allowed   bool
	Anonymous bool
	Status    int
	Mode      Mode
	TLS       string
	Advice    string
}

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	res, st := s.resultFor(r)
	status := s.statusFor(res)
	data := pageData{Result: res, Allowed: res.Verdict.Allowed(), Status: status, Mode: s.Mode(),
		Anonymous: res.Verdict == verdict.NoCertificate && status == http.StatusOK, Advice: advice(res.Verdict)}
	if r.TLS != nil {
		data.TLS = tls.VersionName(r.TLS.Version) + ", " + tls.CipherSuiteName(r.TLS.CipherSuite)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	pageTemplate.Execute(w, data)
	if st != nil {
		s.publish(st, r.TLS, status, r.URL.Path, "")
	}
}

// advice says what a refused person can do.
func advice(c verdict.Code) string {
	switch c {
	case verdict.NoCertificate:
		return "Your browser or client did not offer a certificate. Import the .p12 file your admin gave you (double-click it, or use the browser's certificate settings), then reload; with curl, pass --cert and --key."
	case verdict.UnknownCA:
		return "This server does not trust the CA that issued your certificate. Ask your admin for a certificate from the right CA."
	case verdict.Expired, verdict.Revoked:
		return "Ask your admin for a new certificate."
	case verdict.NotYetValid:
		return "Check the clock of your computer, or wait until the certificate becomes valid."
	case verdict.WrongUsage:
		return "This certificate was not made for logging in as a client. Ask your admin for a client (person) certificate."
	case verdict.Malformed:
		return "The certificate file is damaged. Ask your admin to export it again."
	case verdict.IncompleteChain, verdict.ChainTooLong, verdict.CRLUnavailable:
		return "The server's configuration does not let this certificate through (its trusted CAs, verify depth or CRLs). Ask the server's admin."
	case verdict.InvalidCA, verdict.UnsupportedExtension, verdict.NameNotPermitted, verdict.WeakKey, verdict.WeakSignature:
		return "Your certificate, or a CA that issued it, does not meet what this server requires. Ask your admin for a new certificate."
	}
	return ""
}
