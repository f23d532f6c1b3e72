package mtls

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"embed"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"time"

	"certdesk/core/verdict"
)

//go:embed page.html
var pageFS embed.FS

var pageTemplate = template.Must(template.New("page.html").Funcs(template.FuncMap{"wrap": wrapAtColons}).ParseFS(pageFS, "page.html"))

type ctxKey struct{}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/whoami", s.whoami)
	mux.HandleFunc("GET /{$}", s.page)
	mux.HandleFunc("GET /favicon.ico", s.favicon)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		j := s.judge(r)
		fresh(w)
		http.NotFound(w, r)
		s.publishRequest(stateOf(r), r.TLS, j, http.StatusNotFound, r.URL.Path)
	})
	return mux
}

// fresh makes the browser open a new connection for its next request,
// so a reload goes through a new handshake judged against the trust of
// that moment (a keep-alive connection would keep the old one).
func fresh(w http.ResponseWriter) {
	w.Header().Set("Connection", "close")
	w.Header().Set("Cache-Control", "no-store")
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
// the checklist, and what the connection looked like.
type WhoAmI struct {
	verdict.Result
	TLSVersion string     `json:"tls_version"`
	Cipher     string     `json:"cipher"`
	Mode       Mode       `json:"mode"`
	Checklist  *Checklist `json:"checklist,omitempty"`
}

// judged is a request's verdict and its checklist.
type judged struct {
	result    verdict.Result
	checklist *Checklist
}

// rejudgeAfter is how old a handshake's verdict may be and still stand for
// a request on the same trust and mode.
const rejudgeAfter = time.Second

// judge judges the request's certificate against the trust and mode in
// force now: a revocation made since the handshake shows at once. When
// nothing changed since the handshake a moment ago, its verdict stands.
func (s *Server) judge(r *http.Request) judged {
	trust, now := s.trust.Load(), s.cfg.Now()
	if st := stateOf(r); st != nil && st.result != nil && st.judgedBy == trust && st.judgedIn == s.Mode() &&
		now.Sub(st.judgedAt) < rejudgeAfter {
		return judged{result: *st.result, checklist: st.handshakeChecklist()}
	}
	var certs []*x509.Certificate
	if r.TLS != nil {
		certs = r.TLS.PeerCertificates
	}
	res := verdict.JudgeCertificates(certs, trust, now)
	return judged{result: res, checklist: judgedChecklist(certs, res, trust, s.Mode(), now)}
}

func (s *Server) whoami(w http.ResponseWriter, r *http.Request) {
	j := s.judge(r)
	status := s.statusFor(j.result)
	body := WhoAmI{Result: j.result, Mode: s.Mode(), Checklist: j.checklist}
	if r.TLS != nil {
		body.TLSVersion, body.Cipher = tls.VersionName(r.TLS.Version), cipherName(r.TLS.CipherSuite)
	}
	w.Header().Set("Content-Type", "application/json")
	fresh(w)
	w.WriteHeader(status)
	writeIndentedJSON(w, body)
	s.publishRequest(stateOf(r), r.TLS, j, status, r.URL.Path)
}

func (s *Server) favicon(w http.ResponseWriter, r *http.Request) {
	j := s.judge(r)
	w.Header().Set("Content-Type", "image/svg+xml")
	fresh(w)
	w.Write([]byte(faviconSVG))
	s.publishRequest(stateOf(r), r.TLS, j, http.StatusOK, r.URL.Path)
}

// faviconSVG is the test server's icon: a padlock.
const faviconSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="5" y="14" width="22" height="16" rx="3" fill="#2f6fde"/>` +
	`<path d="M10 14v-4a6 6 0 0 1 12 0v4" fill="none" stroke="#2f6fde" stroke-width="3"/><circle cx="16" cy="22" r="2.5" fill="#fff"/></svg>`

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	j := s.judge(r)
	status := s.statusFor(j.result)
	data := newPageData(j, status, s.Mode(), r.TLS)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	fresh(w)
	var body bytes.Buffer
	if err := pageTemplate.Execute(&body, data); err != nil {
		status = http.StatusInternalServerError
		body.Reset()
		fmt.Fprintf(&body, "The test server could not draw this page (%v); /api/whoami has the same answer as JSON.", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.WriteHeader(status)
	w.Write(body.Bytes())
	s.publishRequest(stateOf(r), r.TLS, j, status, r.URL.Path)
}
