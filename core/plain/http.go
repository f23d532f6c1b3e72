package plain

import "net/http"

// Status says what an HTTP status from the test server means.
func Status(code int) string {
	switch code {
	case 0:
		return "no HTTP answer: the secure connection ended before any page was sent"
	case http.StatusOK:
		return "200 OK: let in"
	case http.StatusBadRequest:
		return "400 Bad Request: a certificate is required and none was sent"
	case http.StatusForbidden:
		return "403 Forbidden: a certificate was sent but refused"
	case http.StatusNotFound:
		return "404 Not Found: no page at that address"
	}
	return http.StatusText(code)
}

// Mode says what a test server mode (explain, strict, optional) does.
func Mode(name string) string {
	switch name {
	case "strict":
		return "strict mode: like nginx `ssl_verify_client on`, a missing or refused certificate ends the connection, so the browser shows its own error page"
	case "optional":
		return "optional mode: visitors without a certificate are welcome as anonymous; a refused certificate ends the connection"
	case "explain", "":
		return "explain mode: every connection is let through to a page that says who you are, or why you would be refused (200 let in, 400 no certificate, 403 refused)"
	}
	return name
}
