package verdict

import (
	"crypto/x509"
	"fmt"
	"slices"
	"time"

	"certdesk/core/certinfo"
)

// Result is the judgement of one presented certificate chain. Its JSON
// carries the shared identity fields plus verdict, reasons, explanation and
// nginx_verify.
type Result struct {
	*certinfo.Info
	Verdict     Code   `json:"verdict"`
	Reasons     []Code `json:"reasons"`
	Explanation string `json:"explanation"`
	// NginxVerify is what nginx would put in $ssl_client_verify: SUCCESS,
	// NONE, or FAILED: and the last error OpenSSL met.
	NginxVerify string `json:"nginx_verify"`
	// Details has one sentence per failing reason, in the order of Reasons.
	Details []string `json:"details,omitempty"`
	// IssuerCA names the trusted CA that signed the chain, when one did.
	IssuerCA string `json:"trusted_ca,omitempty"`
}

// Judge checks a presented chain (leaf first, as DER, as TLS delivers it)
// against the trust at time now, as nginx with OpenSSL 3.0 would (purpose
// sslclient, security level 2, no partial chains, the trust's CRLs and
// verify depth). It lists every failing reason, the primary first; it
// never panics on hostile input.
func Judge(presented [][]byte, trust *Trust, now time.Time) Result {
	if len(presented) == 0 {
		r := finish(Result{}, []finding{{NoCertificate, "No client certificate was sent: import your .p12 into the browser, or pass --cert and --key to curl."}})
		r.NginxVerify = "NONE"
		return r
	}
	certs := make([]*xcert, 0, len(presented))
	for i, der := range presented {
		x, err := parseCached(der)
		if err != nil {
			what := "The certificate"
			if i > 0 {
				what = fmt.Sprintf("Certificate %d of the chain", i+1)
			}
			r := Result{}
			if i > 0 {
				info := certs[0].described().At(now)
				r.Info = &info
			}
			return finish(r, []finding{{Malformed, fmt.Sprintf("%s could not be read (%s); it is damaged or uses a format this server does not accept.", what, cleanErr(err))}})
		}
		certs = append(certs, x)
	}
	return judge(certs, trust, now)
}

// JudgeCertificates is Judge for chains already parsed.
func JudgeCertificates(certs []*x509.Certificate, trust *Trust, now time.Time) Result {
	raw := make([][]byte, len(certs))
	for i, c := range certs {
		raw[i] = c.Raw
	}
	return Judge(raw, trust, now)
}

func judge(certs []*xcert, trust *Trust, now time.Time) Result {
	if trust == nil {
		trust = NewTrust(nil)
	}
	leaf := certs[0]
	info := leaf.described().At(now)
	res := Result{Info: &info}
	v := &verifier{trust: trust, now: now}
	v.run(certs)
	found := make([]finding, 0, len(v.events)+1)
	for _, e := range v.events {
		f := v.explain(e)
		if !slices.Contains(found, f) {
			found = append(found, f)
		}
	}
	if v.trusted {
		res.IssuerCA = certinfo.Clean(v.chain[len(v.chain)-1].commonName())
		if f := trust.issuerProblem(v.chain); f != nil {
			found = append(found, *f)
		}
	}
	if r, ok := trust.revokedFingerprint(info.FingerprintSHA256); ok && !hasCode(found, Revoked) {
		found = append(found, finding{Revoked, revokedSentence(r)})
	}
	res = finish(res, found)
	if v.lastErr != 0 {
		res.NginxVerify = "FAILED:" + opensslText[v.lastErr]
	}
	return res
}

// The date formats of the sentences: the same as plain.DateLayout and
// plain.DateTimeLayout (plain imports this package, so they are repeated;
// a test in plain holds them equal).
const (
	dateLayout     = "2 January 2006"
	dateTimeLayout = "2 January 2006, 15:04 UTC"
)

type finding struct {
	code     Code
	sentence string
}

func finish(r Result, found []finding) Result {
	if len(found) == 0 {
		found = []finding{{OK, okSentence(r)}}
	}
	slices.SortStableFunc(found, func(a, b finding) int { return order[a.code] - order[b.code] })
	r.Reasons = make([]Code, 0, len(found))
	r.Details = make([]string, 0, len(found))
	for _, f := range found {
		if !slices.Contains(r.Reasons, f.code) {
			r.Reasons = append(r.Reasons, f.code)
		}
		r.Details = append(r.Details, f.sentence)
	}
	r.Verdict = r.Reasons[0]
	r.NginxVerify = r.Verdict.NginxVerify()
	r.Explanation = found[0].sentence
	return r
}

func hasCode(found []finding, c Code) bool {
	return slices.ContainsFunc(found, func(f finding) bool { return f.code == c })
}

func revokedSentence(r Revocation) string {
	when := ""
	if !r.Time.IsZero() {
		when = " on " + r.Time.UTC().Format(dateLayout)
	}
	reason := ""
	if r.Reason != "" && r.Reason != "unspecified" {
		reason = fmt.Sprintf(" (%s)", r.Reason)
	}
	return fmt.Sprintf("The certificate was revoked%s%s; ask your admin for a new one.", when, reason)
}

func okSentence(r Result) string {
	if r.Info == nil {
		return "All checks passed."
	}
	return fmt.Sprintf("%s's certificate is valid until %s and was issued by a trusted CA.", r.CommonName, r.NotAfter.UTC().Format(dateLayout))
}

func cleanErr(err error) string { return certinfo.Clean(err.Error()) }
