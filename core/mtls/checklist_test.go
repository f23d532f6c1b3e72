package mtls

import (
	"strings"
	"testing"
	"time"

	"certdesk/core/peer/peertest"
	"certdesk/core/pki"
	"certdesk/core/plain"
	"certdesk/core/verdict"
	"certdesk/core/verdict/verdicttest"
)

// stepOf is the checklist step a verdict code fails.
var stepOf = map[verdict.Code]int{
	verdict.NoCertificate: stepAsked, verdict.Malformed: stepAsked, verdict.UnknownCA: stepTrusted,
	verdict.NotYetValid: stepDates, verdict.Expired: stepDates, verdict.Revoked: stepRevoked, verdict.WrongUsage: stepUsage,
}

// TestChecklistMatchesVerdict: for every case of the matrix, the first
// failing step is the primary verdict's, every reason fails its step, and
// an allowed certificate passes every step.
func TestChecklistMatchesVerdict(t *testing.T) {
	now := time.Now()
	m := verdicttest.MustBuild(t, now)
	for _, c := range m.Cases {
		if len(c.Chain) > 0 && c.Certs == nil {
			continue // unparseable: Go's TLS stack refuses it before any judge
		}
		t.Run(c.Name, func(t *testing.T) {
			res := verdict.JudgeCertificates(c.Certs, m.Trust, now)
			cl := judgedChecklist(c.Certs, res, m.Trust, Explain, now)
			if len(cl.Steps) != len(plain.StepTitles) {
				t.Fatalf("%d steps", len(cl.Steps))
			}
			if res.Verdict.Allowed() {
				for _, s := range cl.Steps {
					if s.State != StepPassed {
						t.Errorf("allowed, but step %q is %s: %s", s.Title, s.State, s.Detail)
					}
				}
				if cl.Failed != -1 || cl.Outcome != "Let in" {
					t.Errorf("failed=%d outcome=%q", cl.Failed, cl.Outcome)
				}
				return
			}
			if cl.Failed != stepOf[res.Verdict] {
				t.Errorf("first failing step %d, want %d (%s)", cl.Failed, stepOf[res.Verdict], res.Verdict)
			}
			for _, code := range res.Reasons {
				s := cl.Steps[stepOf[code]]
				if s.State != StepFailed || !strings.Contains(s.Technical, string(code)) {
					t.Errorf("reason %s: step %q is %s (%s)", code, s.Title, s.State, s.Technical)
				}
			}
			if f := cl.FailedStep(); f == nil || !strings.Contains(f.Technical, res.NginxVerify) || strings.Contains(f.Detail, "_") {
				t.Errorf("failing step %+v: want the nginx string on the secondary line and no code in the words", f)
			}
		})
	}
}

// TestChecklistWords checks the plain words of the steps people most
// need: today's date, the reason of a revocation, a server-only usage,
// and optional mode without a certificate.
func TestChecklistWords(t *testing.T) {
	now := time.Now()
	m := verdicttest.MustBuild(t, now)
	tests := []struct {
		name, mode string
		step       int
		state      StepState
		want       []string
	}{
		{"valid", "explain", stepDates, StepPassed, []string{"today is " + plain.Date(now), plain.Date(now.Add(365 * 24 * time.Hour))}},
		{"expired", "explain", stepDates, StepFailed, []string{"expired on", "today is " + plain.Date(now)}},
		{"revoked by serial", "explain", stepRevoked, StepFailed, []string{plain.Reason("keyCompromise"), plain.Date(now.Add(-time.Minute))}},
		{"EKU serverAuth only", "explain", stepUsage, StepFailed, []string{"identifying a server", "not for logging in as a client"}},
		{"unknown CA", "explain", stepRevoked, StepNotChecked, []string{"only a CA this server trusts"}},
		{"none", "optional", stepAsked, StepInfo, []string{"anonymous visitor"}},
	}
	for _, tc := range tests {
		c := m.Named(tc.name)
		res := verdict.JudgeCertificates(c.Certs, m.Trust, now)
		cl := judgedChecklist(c.Certs, res, m.Trust, Mode(tc.mode), now)
		s := cl.Steps[tc.step]
		if s.State != tc.state {
			t.Errorf("%s: step %q is %s, want %s", tc.name, s.Title, s.State, tc.state)
		}
		for _, w := range tc.want {
			if !strings.Contains(s.Detail, w) {
				t.Errorf("%s: step %q says %q, want %q in it", tc.name, s.Title, s.Detail, w)
			}
		}
	}
}

// TestChecklistLookalike puts the trusted CA and the look-alike side by
// side: one name, two keys; the trusted key's fingerprint is the one
// openssl computes from the CA certificate.
func TestChecklistLookalike(t *testing.T) {
	now := time.Now()
	m := verdicttest.MustBuild(t, now)
	c := m.Named("look-alike CA")
	for _, name := range []string{"leaf only", "leaf and its look-alike CA"} {
		certs := c.Certs
		if name == "leaf and its look-alike CA" {
			certs = append(certs, m.Lookalike.Cert)
		}
		res := verdict.JudgeCertificates(certs, m.Trust, now)
		cl := judgedChecklist(certs, res, m.Trust, Explain, now)
		cmp := cl.Steps[stepTrusted].Compare
		if cmp == nil {
			t.Fatalf("%s: no comparison: %+v", name, cl.Steps[stepTrusted])
		}
		if cmp.Name != "Matrix Root CA" || cmp.Trusted.KeyID == cmp.Presented.KeyID || cmp.Trusted.KeyID != pki.ColonHex(m.Root.Cert.SubjectKeyId) ||
			cmp.Presented.KeyID != pki.ColonHex(m.Lookalike.Cert.SubjectKeyId) {
			t.Errorf("%s: comparison %+v", name, cmp)
		}
		if !strings.Contains(cl.Steps[stepTrusted].Detail, "look-alike") {
			t.Errorf("%s: %q", name, cl.Steps[stepTrusted].Detail)
		}
		if name == "leaf and its look-alike CA" && (cmp.Presented.KeySHA256 == "" || cmp.Presented.KeySHA256 == cmp.Trusted.KeySHA256) {
			t.Errorf("look-alike key fingerprint %q beside trusted %q", cmp.Presented.KeySHA256, cmp.Trusted.KeySHA256)
		}
		if got, want := cmp.Trusted.KeySHA256, opensslKeySHA256(t, m.Root.Cert.Raw); strings.ReplaceAll(got, ":", "") != want {
			t.Errorf("trusted key fingerprint %s, openssl says %s", got, want)
		}
	}
}

// opensslKeySHA256 asks openssl for the SHA-256 of a certificate's
// public key (its SubjectPublicKeyInfo DER).
func opensslKeySHA256(t *testing.T, der []byte) string {
	t.Helper()
	pem, err := peertest.TryInput(t, der, "openssl", "x509", "-inform", "DER", "-noout", "-pubkey")
	if err != nil {
		t.Fatal(err, pem)
	}
	spki, err := peertest.TryInput(t, []byte(pem), "openssl", "pkey", "-pubin", "-outform", "DER")
	if err != nil {
		t.Fatal(err)
	}
	out, err := peertest.TryInput(t, []byte(spki), "openssl", "dgst", "-sha256", "-c", "-r")
	if err != nil {
		t.Fatal(err, out)
	}
	return strings.ToUpper(strings.Fields(out)[0])
}
