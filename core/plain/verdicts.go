package plain

import "certdesk/core/verdict"

// verdictWords are the verdicts in a few plain words.
var verdictWords = map[verdict.Code]string{
	verdict.OK:              "let in",
	verdict.NoCertificate:   "no certificate sent",
	verdict.Malformed:       "certificate could not be read",
	verdict.UnknownCA:       "not signed by a CA this server trusts",
	verdict.NotYetValid:     "certificate not valid yet",
	verdict.Expired:         "certificate expired",
	verdict.Revoked:         "certificate revoked",
	verdict.WrongUsage:      "certificate not made for logging in as a client",
	verdict.NotTLS:          "not a TLS connection",
	verdict.HandshakeFailed: "the secure connection could not be set up",
}

// Verdict names a verdict code in a few plain words, for headings and
// table cells: "let in", "not signed by a trusted CA", ...
func Verdict(c verdict.Code) string {
	if s, ok := verdictWords[c]; ok {
		return s
	}
	return string(c)
}

// headings are the page titles of the verdicts.
var headings = map[verdict.Code]string{
	verdict.OK:            "You are let in",
	verdict.NoCertificate: "Your browser sent no certificate",
	verdict.Malformed:     "Your certificate could not be read",
	verdict.UnknownCA:     "Refused: your certificate was not signed by a CA this server trusts",
	verdict.NotYetValid:   "Refused: your certificate is not valid yet",
	verdict.Expired:       "Refused: your certificate has expired",
	verdict.Revoked:       "Refused: your certificate has been revoked",
	verdict.WrongUsage:    "Refused: this certificate was not made for logging in",
}

// Heading is the page title for a verdict: what a person sees first.
func Heading(c verdict.Code) string {
	if s, ok := headings[c]; ok {
		return s
	}
	return "Refused: " + Verdict(c)
}

// askForNew is the advice for a certificate that is no longer good.
const askForNew = "Ask your admin for a new certificate, import it, then quit and reopen the browser."

// advice is what a refused person can do, by verdict.
var advice = map[verdict.Code]string{
	verdict.NoCertificate: "Import the .p12 file your admin gave you into your browser, and trust ca.pem, " +
		"then quit and reopen the browser: browsers remember that they sent no certificate until they restart. " +
		"With curl, pass --cert and --key.",
	verdict.UnknownCA:   "Ask your admin for a certificate from the CA this server trusts, and remove the other one from your browser.",
	verdict.Expired:     askForNew,
	verdict.Revoked:     askForNew,
	verdict.NotYetValid: "Check the clock of your computer, or wait until the certificate becomes valid.",
	verdict.WrongUsage:  "Ask your admin for a person (client) certificate; a server certificate cannot log in.",
	verdict.Malformed:   "The certificate file is damaged. Ask your admin to export it again.",
}

// Advice says what a refused person can do about the verdict.
func Advice(c verdict.Code) string {
	return advice[c]
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
