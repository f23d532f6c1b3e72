package plain

import "certdesk/core/verdict"

// Verdict names a verdict code in a few plain words, for headings and
// table cells: "let in", "not signed by a trusted CA", ...
func Verdict(c verdict.Code) string {
	switch c {
	case verdict.OK:
		return "let in"
	case verdict.NoCertificate:
		return "no certificate sent"
	case verdict.Malformed:
		return "certificate could not be read"
	case verdict.UnknownCA:
		return "not signed by a CA this server trusts"
	case verdict.NotYetValid:
		return "certificate not valid yet"
	case verdict.Expired:
		return "certificate expired"
	case verdict.Revoked:
		return "certificate revoked"
	case verdict.WrongUsage:
		return "certificate not made for logging in as a client"
	case verdict.NotTLS:
		return "not a TLS connection"
	case verdict.HandshakeFailed:
		return "the secure connection could not be set up"
	}
	return string(c)
}

// Heading is the page title for a verdict: what a person sees first.
func Heading(c verdict.Code) string {
	switch c {
	case verdict.OK:
		return "You are let in"
	case verdict.NoCertificate:
		return "Your browser sent no certificate"
	case verdict.Malformed:
		return "Your certificate could not be read"
	case verdict.UnknownCA:
		return "Refused: your certificate was not signed by a CA this server trusts"
	case verdict.NotYetValid:
		return "Refused: your certificate is not valid yet"
	case verdict.Expired:
		return "Refused: your certificate has expired"
	case verdict.Revoked:
		return "Refused: your certificate has been revoked"
	case verdict.WrongUsage:
		return "Refused: this certificate was not made for logging in"
	}
	return "Refused: " + Verdict(c)
}

// Advice says what a refused person can do about the verdict.
func Advice(c verdict.Code) string {
	switch c {
	case verdict.NoCertificate:
		return "Import the .p12 file your admin gave you into your browser, and trust ca.pem, " +
			"then quit and reopen the browser: browsers remember that they sent no certificate until they restart. " +
			"With curl, pass --cert and --key."
	case verdict.UnknownCA:
		return "Ask your admin for a certificate from the CA this server trusts, and remove the other one from your browser."
	case verdict.Expired, verdict.Revoked:
		return "Ask your admin for a new certificate, import it, then quit and reopen the browser."
	case verdict.NotYetValid:
		return "Check the clock of your computer, or wait until the certificate becomes valid."
	case verdict.WrongUsage:
		return "Ask your admin for a person (client) certificate; a server certificate cannot log in."
	case verdict.Malformed:
		return "The certificate file is damaged. Ask your admin to export it again."
	}
	return ""
}

// ImportSteps say, per browser, how to trust the CA and import a .p12;
// the README's "Try it in a browser" says the same at length.
var ImportSteps = []string{
	"Chrome, Chromium and Edge: Settings → Privacy and security → Security → Manage certificates: import ca.pem as an authority, and your .p12 under your certificates.",
	"Firefox: Settings → Privacy & Security → Certificates → View Certificates: ca.pem under Authorities (trust it to identify websites), your .p12 under Your Certificates.",
	"macOS (Safari, Chrome): double-click ca.pem and set it to Always Trust in Keychain Access, then double-click your .p12.",
	"Windows (Chrome, Edge): double-click your .p12; install ca.pem (renamed ca.crt) into Trusted Root Certification Authorities.",
	"Then quit and reopen the browser, and load this page again.",
}
