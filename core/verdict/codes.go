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

	// IncompleteChain: the chain reaches a trusted CA that is not a root,
	// and nginx accepts no chain that stops at an intermediate.
	IncompleteChain Code = "incomplete_chain"
	// ChainTooLong: more CAs than the verify depth (ssl_verify_depth) allows.
	ChainTooLong Code = "chain_too_long"
	// InvalidCA: a CA on the chain may not issue certificates (no
	// basicConstraints CA:TRUE, no keyCertSign, pathLen exceeded).
	InvalidCA Code = "invalid_ca"
	// UnsupportedExtension: a critical extension OpenSSL does not know.
	UnsupportedExtension Code = "unsupported_extension"
	// NameNotPermitted: a name outside a CA's name constraints.
	NameNotPermitted Code = "name_not_permitted"
	// WeakKey: a key below security level 2 (RSA or DSA under 2048 bits).
	WeakKey Code = "weak_key"
	// WeakSignature: signed with a digest level 2 refuses (SHA-1, MD5).
	WeakSignature Code = "weak_signature"
	// CRLUnavailable: with CRLs in use, no current, valid CRL covers a
	// certificate of the chain.
	CRLUnavailable Code = "crl_unavailable"

	// Codes only the test server produces, for connections that never
	// presented anything to judge.
	NotTLS          Code = "not_tls"
	HandshakeFailed Code = "handshake_failed"
)

// order ranks the codes; a lower rank wins as the primary verdict.
var order = map[Code]int{
	NoCertificate: 0, Malformed: 1, UnknownCA: 2, IncompleteChain: 3, ChainTooLong: 4, InvalidCA: 5,
	UnsupportedExtension: 6, NameNotPermitted: 7, WeakKey: 8, WeakSignature: 9,
	NotYetValid: 10, Expired: 11, Revoked: 12, CRLUnavailable: 13, WrongUsage: 14, OK: 15,
	NotTLS: -2, HandshakeFailed: -1,
}

// NginxVerify is what nginx typically puts in $ssl_client_verify for the
// code. A judged chain carries the exact text in Result.NginxVerify.
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
	case IncompleteChain:
		return "FAILED:unable to get issuer certificate"
	case ChainTooLong:
		return "FAILED:certificate chain too long"
	case InvalidCA:
		return "FAILED:invalid CA certificate"
	case UnsupportedExtension:
		return "FAILED:unhandled critical extension"
	case NameNotPermitted:
		return "FAILED:permitted subtree violation"
	case WeakKey:
		return "FAILED:EE certificate key too weak"
	case WeakSignature:
		return "FAILED:CA signature digest algorithm too weak"
	case CRLUnavailable:
		return "FAILED:unable to get certificate CRL"
	case NotTLS:
		return "FAILED:not TLS"
	case HandshakeFailed:
		return "FAILED:handshake failed"
	}
	return "FAILED:" + string(c)
}

// Allowed reports whether the code lets a client in.
func (c Code) Allowed() bool { return c == OK }
