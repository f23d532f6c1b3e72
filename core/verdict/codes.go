// Package verdict judges a client certificate the way a careful TLS server
// would, and says why: every failing reason, in a fixed order, with the
// string nginx would put in $ssl_client_verify.
package verdict

// Code is a stable machine code for a verdict.
type Code string

// Verdict codes, in the order that picks the primary one.
const (
	NoCertificate Code = "no_certificate"
	Malformed     Code = "malformed"
	UnknownCA     Code = "unknown_ca"
	NotYetValid   Code = "not_yet_valid"
	Expired       Code = "expired"
	Revoked       Code = "revoked"
	WrongUsage    Code = "wrong_usage"
	OK            Code = "ok"

	// Codes only the test server produces, for connections that never
	// presented anything to judge.
	NotTLS          Code = "not_tls"
	HandshakeFailed Code = "handshake_failed"
)

// order ranks the codes; a lower rank wins as the primary verdict.
var order = map[Code]int{
	NoCertificate: 0, Malformed: 1, UnknownCA: 2, NotYetValid: 3, Expired: 4, Revoked: 5, WrongUsage: 6, OK: 7,
	NotTLS: -2, HandshakeFailed: -1,
}

// NginxVerify is what nginx puts in $ssl_client_verify for the code.
func (c Code) NginxVerify() string {
	switch c {
	case OK:
		return "SUCCESS"
	case NoCertificate:
		return "NONE"
	case Malformed:
		return "FAILED:malformed certificate"
	case UnknownCA:
		return "FAILED:unable to verify the first certificate"
	case NotYetValid:
		return "FAILED:certificate is not yet valid"
	case Expired:
		return "FAILED:certificate has expired"
	case Revoked:
		return "FAILED:certificate revoked"
	case WrongUsage:
		return "FAILED:unsuitable certificate purpose"
	case NotTLS:
		return "FAILED:not TLS"
	case HandshakeFailed:
		return "FAILED:handshake failed"
	}
	return "FAILED:" + string(c)
}

// Allowed reports whether the code lets a client in.
func (c Code) Allowed() bool { return c == OK }
