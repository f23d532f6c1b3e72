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
