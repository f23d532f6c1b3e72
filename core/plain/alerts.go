package plain

import "crypto/tls"

// ClientAlert says what a TLS alert sent by the client during the
// handshake means, and what to do. ok is false for alerts with no
// known meaning here.
func ClientAlert(a tls.AlertError) (sentence string, ok bool) {
	switch a {
	case 42, 46, 48: // bad_certificate, certificate_unknown, unknown_ca
		return "the browser does not trust this server's certificate: add ca.pem to it (see \"Try it in a browser\" in the README)", true
	case 45: // certificate_expired
		return "the browser says this server's certificate has expired: restart the test server to get a fresh one", true
	case 44: // certificate_revoked
		return "the browser says this server's certificate is revoked", true
	case 112: // unrecognized_name
		return "the browser asked for a name this server's certificate does not cover: use https://localhost", true
	case 70, 71, 40: // protocol_version, insufficient_security, handshake_failure
		return "the browser and the server share no TLS version or cipher: use a browser from the last few years", true
	case 90: // user_canceled
		return "the person cancelled the certificate choice", true
	}
	return "", false
}
