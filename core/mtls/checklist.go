package mtls

import (
	"crypto/x509"
	"fmt"
	"slices"
	"time"

	"certdesk/core/certinfo"
	"certdesk/core/pki"
	"certdesk/core/plain"
	"certdesk/core/verdict"
)

// StepState is how one checklist step went.
type StepState string

// The step states.
const (
	StepPassed StepState = "passed"
	StepFailed StepState = "failed"
	// StepInfo is neither good nor bad: no certificate in optional mode, a
	// browser dropping a spare connection.
	StepInfo StepState = "info"
	// StepNotChecked is a step the connection never reached, or one that
	// cannot be checked after an earlier failure.
	StepNotChecked StepState = "not_checked"
)

// Mark is the state's one-character sign: ✓ ✗ • –.
func (s StepState) Mark() string {
	switch s {
	case StepPassed:
		return plain.MarkPassed
	case StepFailed:
		return plain.MarkFailed
	case StepInfo:
		return plain.MarkInfo
	}
	return plain.MarkNotChecked
}

// Step is one line of a connection's checklist.
type Step struct {
	Title  string    `json:"title"` // one of plain.StepTitles
	State  StepState `json:"state"`
	Detail string    `json:"detail"` // what happened, in plain words
	// Technical is the secondary line: verdict code, nginx string, TLS error.
	Technical string `json:"technical,omitempty"`
	// Compare is set for a look-alike: the trusted CA and the impostor.
	Compare *CAComparison `json:"compare,omitempty"`
}

// CAComparison puts the CA this server trusts beside the look-alike that
// signed the presented certificate: the same name, different keys.
type CAComparison struct {
	Name      string   `json:"name"`
	Trusted   KeyPrint `json:"trusted"`
	Presented KeyPrint `json:"presented"`
}

// KeyPrint identifies a CA's key.
type KeyPrint struct {
	Label string `json:"label"`
	// KeyID is the CA's key identifier (for the impostor: the one the
	// presented certificate names as its signer).
	KeyID string `json:"key_id,omitempty"`
	// KeySHA256 is the SHA-256 of the CA's public key, when its
	// certificate is at hand.
	KeySHA256 string `json:"key_sha256,omitempty"`
}

// Checklist is one connection told as the steps of mutual TLS.
type Checklist struct {
	Steps []Step `json:"steps"`
	// Failed is the index of the first failing step, or -1.
	Failed int `json:"failed"`
	// Outcome is the conclusion in plain words ("Let in", "Refused: …").
	Outcome string `json:"outcome"`
	// Today is the time the certificate was judged at.
	Today time.Time `json:"today"`
}

// FailedStep is the first failing step, or nil.
func (c *Checklist) FailedStep() *Step {
	if c == nil || c.Failed < 0 || c.Failed >= len(c.Steps) {
		return nil
	}
	return &c.Steps[c.Failed]
}

func newChecklist(now time.Time) *Checklist {
	c := &Checklist{Failed: -1, Today: now.UTC(), Steps: make([]Step, len(plain.StepTitles))}
	for i, t := range plain.StepTitles {
		c.Steps[i] = Step{Title: t, State: StepNotChecked, Detail: "Not reached."}
	}
	return c
}

func (c *Checklist) set(i int, state StepState, detail, technical string) *Step {
	c.Steps[i] = Step{Title: c.Steps[i].Title, State: state, Detail: detail, Technical: technical}
	if state == StepFailed && c.Failed < 0 {
		c.Failed = i
	}
	return &c.Steps[i]
}

// Step indexes, in plain.StepTitles order.
const (
	stepServer = iota
	stepAsked
	stepTrusted
	stepDates
	stepRevoked
	stepUsage
)

// judgedChecklist tells a presented chain's verdict step by step.
func judgedChecklist(certs []*x509.Certificate, res verdict.Result, trust *verdict.Trust, mode Mode, now time.Time) *Checklist {
	c := newChecklist(now)
	c.set(stepServer, StepPassed, "It proved it is this server, with a certificate your browser accepted.", "")
	tech := func(code verdict.Code) string {
		t := "code " + string(code)
		if res.Verdict == code {
			t += " · nginx: " + res.NginxVerify
		}
		return t
	}
	if len(certs) == 0 {
		for i := stepTrusted; i < len(c.Steps); i++ {
			c.Steps[i].Detail = "Nothing to check: no certificate was sent."
		}
	}
	switch {
	case len(certs) == 0 && mode == Optional:
		c.set(stepAsked, StepInfo, "You sent none. In optional mode that is fine: you are welcome as an anonymous visitor.", tech(verdict.NoCertificate))
		c.Outcome = "Let in as an anonymous visitor"
		return c
	case len(certs) == 0:
		c.set(stepAsked, StepFailed, "You sent none: your browser has no certificate for this server, or it remembered an earlier choice of none.", tech(verdict.NoCertificate))
		c.Outcome = "Refused: " + plain.Verdict(verdict.NoCertificate)
		return c
	case res.Verdict == verdict.Malformed:
		c.set(stepAsked, StepFailed, "You sent one, but it could not be read.", tech(verdict.Malformed))
		c.Outcome = "Refused: " + plain.Verdict(verdict.Malformed)
		return c
	}
	leaf := certs[0]
	c.set(stepAsked, StepPassed, fmt.Sprintf("You sent the certificate of %q.", certinfo.Clean(leaf.Subject.CommonName)), "")
	issuer := trustedIssuer(certs, trust)
	trustStep(c, leaf, certs, res, trust, tech)
	datesStep(c, leaf, res, now, tech)
	revokedStep(c, leaf, issuer, res, trust, tech)
	usageStep(c, leaf, res, tech)
	if res.Verdict.Allowed() {
		c.Outcome = "Let in"
	} else {
		c.Outcome = "Refused: " + plain.Verdict(res.Verdict)
	}
	return c
}

func trustStep(c *Checklist, leaf *x509.Certificate, certs []*x509.Certificate, res verdict.Result, trust *verdict.Trust, tech func(verdict.Code) string) {
	name := certinfo.Clean(leaf.Issuer.CommonName)
	if !slices.Contains(res.Reasons, verdict.UnknownCA) {
		c.set(stepTrusted, StepPassed, fmt.Sprintf("Signed by %q, a CA this server trusts.", res.IssuerCA), "")
		return
	}
	real := sameNameCA(leaf, trust)
	if real == nil {
		c.set(stepTrusted, StepFailed, detailFor(res, verdict.UnknownCA, fmt.Sprintf("Signed by %q, which this server does not trust.", name)), tech(verdict.UnknownCA))
		return
	}
	s := c.set(stepTrusted, StepFailed, fmt.Sprintf("It names %q as its CA, and this server trusts a CA of that name — but not this one: "+
		"the keys differ, so a look-alike CA with the same name signed it.", name), tech(verdict.UnknownCA))
	presented := KeyPrint{Label: "the look-alike that signed your certificate", KeyID: colonHex(leaf.AuthorityKeyId)}
	for _, ca := range certs[1:] {
		if string(ca.RawSubject) == string(leaf.RawIssuer) && verdict.SignedBy(leaf, ca) {
			presented.KeyID, presented.KeySHA256 = colonHex(ca.SubjectKeyId), pki.CertificateKeySHA256(ca)
		}
	}
	if presented.KeyID == "" {
		presented.KeyID = "none named"
	}
	s.Compare = &CAComparison{Name: name,
		Trusted:   KeyPrint{Label: "the CA this server trusts", KeyID: colonHex(real.SubjectKeyId), KeySHA256: pki.CertificateKeySHA256(real)},
		Presented: presented}
}

func datesStep(c *Checklist, leaf *x509.Certificate, res verdict.Result, now time.Time, tech func(verdict.Code) string) {
	today := "today is " + plain.Date(now)
	span := fmt.Sprintf("valid from %s to %s", plain.Date(leaf.NotBefore), plain.Date(leaf.NotAfter))
	switch {
	case now.After(leaf.NotAfter):
		c.set(stepDates, StepFailed, fmt.Sprintf("It expired on %s; %s.", plain.Date(leaf.NotAfter), today), tech(verdict.Expired))
	case now.Before(leaf.NotBefore):
		c.set(stepDates, StepFailed, fmt.Sprintf("It is not valid until %s; %s. Check this computer's clock.", plain.DateTime(leaf.NotBefore), today), tech(verdict.NotYetValid))
	case slices.Contains(res.Reasons, verdict.Expired):
		c.set(stepDates, StepFailed, detailFor(res, verdict.Expired, "Its CA has expired.")+" ("+today+")", tech(verdict.Expired))
	case slices.Contains(res.Reasons, verdict.NotYetValid):
		c.set(stepDates, StepFailed, detailFor(res, verdict.NotYetValid, "Its CA is not valid yet.")+" ("+today+")", tech(verdict.NotYetValid))
	default:
		c.set(stepDates, StepPassed, fmt.Sprintf("It is %s; %s.", span, today), "")
	}
}

func revokedStep(c *Checklist, leaf, issuer *x509.Certificate, res verdict.Result, trust *verdict.Trust, tech func(verdict.Code) string) {
	if slices.Contains(res.Reasons, verdict.Revoked) {
		detail, technical := "It was revoked.", tech(verdict.Revoked)
		if r, ok := trust.RevocationOf(leaf, issuer); ok {
			if r.Reason != "" {
				technical += " · reason " + r.Reason
			}
			detail = "It was revoked"
			if !r.Time.IsZero() {
				detail += " on " + plain.Date(r.Time)
			}
			detail += ": " + plain.Reason(r.Reason) + "."
		}
		c.set(stepRevoked, StepFailed, detail, technical)
		return
	}
	if issuer == nil {
		c.set(stepRevoked, StepNotChecked, "Cannot be checked: only a CA this server trusts can revoke it.", "")
		return
	}
	c.set(stepRevoked, StepPassed, fmt.Sprintf("It is not on the revocation list of %q, as of this connection.", certinfo.Clean(issuer.Subject.CommonName)), "")
}

func usageStep(c *Checklist, leaf *x509.Certificate, res verdict.Result, tech func(verdict.Code) string) {
	ekus := certinfo.ExtKeyUsageNames(leaf)
	if !slices.Contains(res.Reasons, verdict.WrongUsage) {
		detail := "Yes: it is made for logging in as a client."
		if len(ekus) == 0 {
			detail = "Yes: it names no purpose, which allows logging in as a client."
		}
		c.set(stepUsage, StepPassed, detail, "")
		return
	}
	detail := detailFor(res, verdict.WrongUsage, "It may not be used to log in.")
	if len(ekus) > 0 && !slices.Contains(ekus, "clientAuth") && !slices.Contains(ekus, "any") {
		detail = fmt.Sprintf("No: it is made for %s, not for logging in as a client.", plain.Usages(ekus))
	}
	c.set(stepUsage, StepFailed, detail, tech(verdict.WrongUsage))
}

// detailFor is the judge's own sentence for a reason, or fallback.
func detailFor(res verdict.Result, code verdict.Code, fallback string) string {
	for i, r := range res.Reasons {
		if r == code && i < len(res.Details) {
			return res.Details[i]
		}
	}
	return fallback
}

// trustedIssuer is the CA that signed leaf, among the presented chain and
// the trusted CAs, or nil.
func trustedIssuer(certs []*x509.Certificate, trust *verdict.Trust) *x509.Certificate {
	leaf := certs[0]
	for _, candidates := range [][]*x509.Certificate{certs[1:], trust.CAs()} {
		for _, ca := range candidates {
			if string(ca.RawSubject) == string(leaf.RawIssuer) && verdict.SignedBy(leaf, ca) {
				return ca
			}
		}
	}
	return nil
}

// sameNameCA is a trusted CA with the name leaf claims as its issuer.
func sameNameCA(leaf *x509.Certificate, trust *verdict.Trust) *x509.Certificate {
	for _, ca := range trust.CAs() {
		if string(ca.RawSubject) == string(leaf.RawIssuer) {
			return ca
		}
	}
	return nil
}

func colonHex(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return pki.ColonHex(b)
}

// preconnectChecklist tells a connection the client dropped before any
// request: helloSeen when the server got as far as showing its certificate.
func preconnectChecklist(helloSeen, handshakeDone bool, now time.Time) *Checklist {
	c := newChecklist(now)
	c.Outcome = plain.Preconnect + ": not a refusal"
	switch {
	case handshakeDone:
		c.set(stepServer, StepPassed, "It proved it is this server.", "")
		c.set(stepAsked, StepInfo, "The browser set up this connection ahead of time and closed it without asking for a page. "+plain.PreconnectExplained, "")
	case helloSeen:
		c.set(stepServer, StepPassed, "It proved it is this server.", "")
		c.set(stepAsked, StepInfo, "The browser closed this spare connection at the certificate request. "+plain.PreconnectExplained, "")
	default:
		c.set(stepServer, StepInfo, "The client opened a connection and closed it before saying anything. "+plain.PreconnectExplained, "")
	}
	return c
}

// failedChecklist tells a connection whose TLS broke before a certificate
// could be judged, at step (stepServer or stepAsked).
func failedChecklist(step int, detail, technical string, now time.Time) *Checklist {
	c := newChecklist(now)
	c.Outcome = "The secure connection could not be set up"
	if step > stepServer {
		c.set(stepServer, StepPassed, "It sent its certificate.", "")
	}
	c.set(step, StepFailed, capitalize(detail)+".", technical)
	return c
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
