// Package mtls is Certdesk's local test server for mutual TLS: it asks every
// client for a certificate, judges it with the verdict package, answers with
// a page that tells the connection as a checklist in plain words, and
// publishes one event per request answered (pages close their connection,
// so a browser's reload is a new handshake) and one per connection that
// ended without a request: a refusal, a failed handshake, or a browser
// preconnect.
package mtls

import (
	"fmt"
	"strings"
	"time"

	"certdesk/core/plain"
	"certdesk/core/verdict"
)

// Event is one connection attempt seen by the server, with its verdict, or
// one request answered on a connection (each request is judged afresh).
// Its JSON carries the shared identity fields, verdict, reasons,
// explanation and nginx_verify, plus what the connection looked like.
type Event struct {
	Seq        uint64    `json:"seq"`
	Time       time.Time `json:"time"`
	Remote     string    `json:"remote"`
	Mode       Mode      `json:"mode"`
	TLSVersion string    `json:"tls_version,omitempty"`
	Cipher     string    `json:"cipher,omitempty"`
	SNI        string    `json:"sni,omitempty"`
	HTTPStatus int       `json:"http_status"`
	Path       string    `json:"path,omitempty"`
	// Refused is true when the server ended the handshake because of the verdict.
	Refused bool   `json:"refused"`
	Error   string `json:"error,omitempty"`
	// Outcome says what the connection was: let in, refused, a browser
	// preconnect, a failed handshake, not TLS.
	Outcome Outcome `json:"outcome"`
	// Preconnect marks a connection the client dropped before asking for
	// anything (browsers' spare connections): fold it away by default.
	Preconnect bool `json:"preconnect,omitempty"`
	// Summary is the event in one plain sentence.
	Summary string `json:"summary"`
	// Checklist is the connection told step by step.
	Checklist *Checklist `json:"checklist,omitempty"`
	verdict.Result
}

// Outcome is what a connection came to, as a person would say it.
type Outcome string

// The outcomes.
const (
	// LetIn: a request was answered as allowed (or anonymous in optional mode).
	LetIn Outcome = "let_in"
	// RefusedOutcome: the server refused, by ending the handshake or with a 400/403 page.
	RefusedOutcome Outcome = "refused"
	// PreconnectOutcome: the client closed before sending a request, or gave
	// up at the certificate request. Not a refusal.
	PreconnectOutcome Outcome = "preconnect"
	// FailedOutcome: TLS broke for another reason (a client alert, a protocol error).
	FailedOutcome Outcome = "handshake_failed"
	// NotTLSOutcome: the client did not speak TLS.
	NotTLSOutcome Outcome = "not_tls"
)

// Label is the outcome in a few plain words.
func (o Outcome) Label() string {
	switch o {
	case LetIn:
		return "let in"
	case RefusedOutcome:
		return "refused"
	case PreconnectOutcome:
		return plain.Preconnect
	case FailedOutcome:
		return "could not connect"
	case NotTLSOutcome:
		return "not TLS"
	}
	return string(o)
}

// summarize fills the event's Summary from its other fields.
func (e *Event) summarize() {
	who := "someone without a certificate"
	if e.Info != nil {
		who = fmt.Sprintf("%q", e.CommonName)
	}
	switch e.Outcome {
	case LetIn:
		if e.Verdict == verdict.NoCertificate {
			who = "an anonymous visitor"
		}
		e.Summary = fmt.Sprintf("let in: %s asked for %s — HTTP %s", who, e.Path, plain.Status(e.HTTPStatus))
	case RefusedOutcome:
		how := "HTTP " + plain.Status(e.HTTPStatus)
		if e.Path != "/" && e.Path != "/api/whoami" {
			how = fmt.Sprintf("asked for %s, HTTP %d", e.Path, e.HTTPStatus)
		}
		if e.Refused || e.HTTPStatus == 0 {
			how = fmt.Sprintf("the server ended the connection (%s mode), so the browser shows its own error page", e.Mode)
		}
		e.Summary = fmt.Sprintf("refused: %s — %s — %s", who, plain.Verdict(e.Verdict), how)
	case PreconnectOutcome:
		e.Summary = plain.Preconnect + ": " + e.Error + " (not a refusal)"
	case FailedOutcome:
		e.Summary = "could not connect: " + e.Error
	case NotTLSOutcome:
		e.Summary = "not TLS: " + e.Error + "; use https://"
	default:
		e.Summary = e.Explanation
	}
}

// Text is the event as `certctl serve` prints it: the time (UTC), the
// client and the summary; for a refusal or failure, the failing step in
// plain words and, indented below it, the codes and nginx string.
func (e Event) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %-21s %s", e.Time.UTC().Format("15:04:05 UTC"), e.Remote, e.Summary)
	if step := e.Checklist.FailedStep(); step != nil {
		fmt.Fprintf(&b, "\n%34s %s %s: %s", "", step.State.Mark(), step.Title, step.Detail)
		if step.Technical != "" {
			fmt.Fprintf(&b, "\n%36s %s", "", step.Technical)
		}
	}
	return b.String()
}

// Intro is what `certctl serve` says when the server starts, in the
// same words as the page.
func Intro(url string, mode Mode, caName string) string {
	return fmt.Sprintf("Test server at %s, trusting CA %q.\n%s.\n"+
		"Each connection is printed below as one line; a refusal adds the step that failed.\n"+
		"Browsers open spare connections; those are shown as %q and are not refusals.\n"+
		"In a browser: trust ca.pem, import your .p12, then quit and reopen the browser (see \"Try it in a browser\" in the README).",
		url, caName, capitalize(plain.Mode(string(mode))), plain.Preconnect)
}
