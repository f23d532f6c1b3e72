package plain

// The titles of the checklist steps every connection goes through, in
// order. The app, the page and `certctl serve` show them as they are.
const (
	StepServerShown   = "The server showed its certificate"
	StepAskedForYours = "The server asked for yours"
	StepTrustedCA     = "Signed by a CA this server trusts"
	StepDates         = "Within its dates"
	StepNotRevoked    = "Not revoked"
	StepClientUsage   = "Made for logging in as a client"
)

// StepTitles lists the step titles in order.
var StepTitles = []string{StepServerShown, StepAskedForYours, StepTrustedCA, StepDates, StepNotRevoked, StepClientUsage}

// Marks for a step's state, for text output.
const (
	MarkPassed     = "✓"
	MarkFailed     = "✗"
	MarkInfo       = "•"
	MarkNotChecked = "–"
)

// Preconnect is how a browser's spare connection is named.
const Preconnect = "browser preconnect"

// PreconnectExplained says what a browser preconnect is.
const PreconnectExplained = "Browsers open spare connections ahead of time and drop those they do not need, " +
	"often right at the certificate request; they are not refusals."

// HowMutualTLSWorks is the one-paragraph lesson shown beside the checklist.
const HowMutualTLSWorks = "In mutual TLS both sides show a certificate: first the server proves who it is, " +
	"then it asks for yours and checks it, step by step."

// HowMutualTLSWorksLong is the longer lesson, for a panel beside the try-it buttons.
var HowMutualTLSWorksLong = []string{
	"1. Your browser connects; the server shows its certificate, and your browser checks it against the CAs it trusts (this is why you add ca.pem).",
	"2. The server asks for your certificate. Your browser offers one it holds with its private key (the .p12 you imported), or none.",
	"3. The server checks yours: signed by a CA it trusts, within its dates, not revoked, made for logging in as a client.",
	"4. If every check passes you are let in, and the server knows who you are without a password. " +
		"If one fails, the server refuses: with a page that says why (explain mode), or by ending the connection (strict mode).",
}
