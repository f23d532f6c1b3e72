// Package mtls is Certdesk's local test server for mutual TLS: it asks every
// client for a certificate, judges it with the verdict package, answers with
// a page that explains the outcome, and publishes one event per connection.
package mtls

import (
	"time"

	"certdesk/core/verdict"
)

// Event is one connection attempt seen by the server, with its verdict.
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
	verdict.Result
}
