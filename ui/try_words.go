package ui

import (
	"fmt"

	"certdesk/core/engine"
	"certdesk/core/plain"
)

// trySummary says in plain words what the server did with a try: who
// connected, let in or refused and why, and what the HTTP status means.
// The codes are in the checklist's technical line.
func trySummary(o engine.TryOutcome) string {
	res := o.Result
	if res.WhoAmI == nil {
		return fmt.Sprintf("Refused — %s: the server ended the connection during the TLS handshake (strict or optional mode), "+
			"so a browser would show its own error page. The steps are on the right.", who(o.Label))
	}
	why := plain.Verdict(res.WhoAmI.Verdict)
	switch o.Access {
	case engine.LetIn:
		return fmt.Sprintf("Let in — %s: every check passed. HTTP %s.", who(o.Label), plain.Status(res.HTTPStatus))
	case engine.LetInAnonymously:
		return fmt.Sprintf("Let in without identity — %s: %s. HTTP %s.", who(o.Label), why, plain.Status(res.HTTPStatus))
	}
	return fmt.Sprintf("Refused — %s: %s. HTTP %s. The step that failed is marked on the right.", who(o.Label), why, plain.Status(res.HTTPStatus))
}

// who says how a try connected: "as Alice", "with no certificate".
func who(label string) string {
	if label == "no certificate" {
		return "with no certificate"
	}
	return "as " + label
}
