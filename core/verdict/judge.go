package verdict

import (
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"time"

	"certdesk/core/certinfo"
	"certdesk/core/pki"
)

// Result is the judgement of one presented certificate chain. Its JSON
// carries the shared identity fields plus verdict, reasons, explanation and
// nginx_verify.
type Result struct {
	*certinfo.Info
	Verdict     Code   `json:"verdict"`
	Reasons     []Code `json:"reasons"`
	Explanation string `json:"explanation"`
	NginxVerify string `json:"nginx_verify"`
	// Details has one sentence per failing reason, in the order of Reasons.
	Details []string `json:"details,omitempty"`
	// IssuerCA names the trusted CA that signed the chain, when one did.
	IssuerCA string `json:"trusted_ca,omitempty"`
}

// Judge checks a presented chain (leaf first, as DER, as TLS delivers it)
// against the trust at time now. It evaluates every check and lists every
// failing reason, the primary first; it never panics on hostile input.
func Judge(presented [][]byte, trust *Trust, now time.Time) Result {
	if len(presented) == 0 {
		return finish(Result{}, []finding{{NoCertificate, "No client certificate was sent: import your .p12 into the browser, or pass --cert and --key to curl."}})
	}
	certs := make([]*x509.Certificate, 0, len(presented))
	for i, der := range presented {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			what := "The certificate"
			if i > 0 {
				what = fmt.Sprintf("Certificate %d of the chain", i+1)
			}
			r := Result{}
			if i > 0 && len(certs) > 0 {
				info := certinfo.Describe(certs[0], now)
				r.Info = &info
			}
			return finish(r, []finding{{Malformed, fmt.Sprintf("%s could not be read (%s); it is damaged or uses a format this server does not accept.", what, cleanErr(err))}})
		}
		certs = append(certs, c)
	}
	return JudgeCertificates(certs, trust, now)
}

// JudgeCertificates is Judge for chains already parsed.
func JudgeCertificates(certs []*x509.Certificate, trust *Trust, now time.Time) Result {
	if len(certs) == 0 {
		return Judge(nil, trust, now)
	}
	leaf := certs[0]
	info := certinfo.Describe(leaf, now)
	res := Result{Info: &info}
	var found []finding
	if trust == nil {
		trust = NewTrust(nil)
	}

	if pki.DescribePublicKey(leaf.PublicKey) == "unknown" {
		return finish(res, []finding{{Malformed, "The certificate's key type is not supported."}})
	}

	// Trust: is there a path to a trusted CA, by signature? Time and usage
	// are judged separately below, so verify at a moment when the whole
	// presented chain is valid.
	key := chainKey(certs)
	var chains [][]*x509.Certificate
	var verr error
	if cached, ok := trust.chains.get(key); ok {
		chains = [][]*x509.Certificate{cached}
	} else {
		intermediates := x509.NewCertPool()
		for _, c := range certs[1:] {
			intermediates.AddCert(c)
		}
		for _, c := range trust.inter {
			intermediates.AddCert(c)
		}
		chains, verr = leaf.Verify(x509.VerifyOptions{
			Roots: trust.roots, Intermediates: intermediates,
			CurrentTime: verifyTime(certs, trust, now),
			KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
		})
	}
	var issuer *x509.Certificate
	var chain []*x509.Certificate
	var inv x509.CertificateInvalidError
	if errors.As(verr, &inv) && inv.Reason == x509.Expired {
		// No single moment has the whole path valid (a leaf that expired
		// before its CA was made, say): judge trust by signatures alone;
		// time is judged below.
		if path := signaturePath(leaf, append(certs[1:len(certs):len(certs)], trust.inter...), trust, nil); path != nil {
			chains, verr = [][]*x509.Certificate{path}, nil
		}
	}
	if verr != nil || len(chains) == 0 {
		found = append(found, finding{UnknownCA, unknownCASentence(leaf, trust, verr)})
	} else {
		chain = chains[0]
		trust.chains.put(key, chain)
		if len(chain) > 1 {
			issuer = chain[1]
		}
		res.IssuerCA = certinfo.Clean(chain[len(chain)-1].Subject.CommonName)
	}

	// Time, for the leaf and for every CA on the chain.
	timeCheck := []*x509.Certificate{leaf}
	if chain != nil {
		timeCheck = chain
	}
	for i, c := range timeCheck {
		who := "The certificate"
		if i > 0 {
			who = fmt.Sprintf("Its CA %q", certinfo.Clean(c.Subject.CommonName))
		}
		switch {
		case now.Before(c.NotBefore):
			found = append(found, finding{NotYetValid, fmt.Sprintf("%s is not valid until %s; check the clock of this machine, or wait.", who, c.NotBefore.UTC().Format(dateTimeLayout))})
		case now.After(c.NotAfter):
			found = append(found, finding{Expired, fmt.Sprintf("%s expired on %s; ask your admin for a new one.", who, c.NotAfter.UTC().Format(dateLayout))})
		}
	}

	// Revocation: by issuer and serial (needs a trusted issuer), and by
	// fingerprint for certificates from elsewhere.
	if issuer != nil {
		if r, ok := trust.revokedSerial(issuer, leaf); ok {
			found = append(found, finding{Revoked, revokedSentence(r)})
		}
	}
	if ca, r, ok := trust.revokedCA(chain); ok && !hasCode(found, Revoked) {
		found = append(found, finding{Revoked, revokedCASentence(ca, r)})
	}
	if r, ok := trust.revokedFingerprint(info.FingerprintSHA256); ok && !hasCode(found, Revoked) {
		found = append(found, finding{Revoked, revokedSentence(r)})
	}

	// Usage: Go ignores KeyUsage; OpenSSL (and so nginx) does not.
	if s := usageProblem(leaf, chain); s != "" {
		found = append(found, finding{WrongUsage, s})
	}
	return finish(res, found)
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

// verifyTime picks a moment inside the validity of every presented
// certificate and trusted CA that could be on the path, so that the
// signature check does not fail on time; falls back to now.
func verifyTime(certs []*x509.Certificate, trust *Trust, now time.Time) time.Time {
	lo, hi := certs[0].NotBefore, certs[0].NotAfter
	for _, c := range certs[1:] {
		lo, hi = later(lo, c.NotBefore), earlier(hi, c.NotAfter)
	}
	for _, c := range trust.cas {
		if nlo, nhi := later(lo, c.NotBefore), earlier(hi, c.NotAfter); !nlo.After(nhi) {
			lo, hi = nlo, nhi
		}
	}
	if lo.After(hi) {
		return now
	}
	if !now.Before(lo) && !now.After(hi) {
		return now
	}
	return lo.Add(hi.Sub(lo) / 2)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func unknownCASentence(leaf *x509.Certificate, trust *Trust, err error) string {
	name := certinfo.Clean(leaf.Issuer.CommonName)
	if name == "" {
		name = certinfo.DistinguishedName(leaf.Issuer)
	}
	if lookalikes := trust.bySubj[string(leaf.RawIssuer)]; len(lookalikes) > 0 {
		return fmt.Sprintf("The certificate claims to come from %q, but it was not signed by the trusted CA of that name: a look-alike CA with another key made it.", name)
	}
	var inv x509.CertificateInvalidError
	if errors.As(err, &inv) && inv.Reason == x509.NotAuthorizedToSign {
		return fmt.Sprintf("The certificate's issuer %q is not allowed to sign certificates.", name)
	}
	if errors.As(err, &inv) && inv.Reason == x509.CANotAuthorizedForThisName {
		return fmt.Sprintf("The certificate carries a name outside the name constraints of a CA above it (%s), so that CA never allowed it.", cleanErr(inv))
	}
	if leaf.Subject.String() == leaf.Issuer.String() && leaf.CheckSignatureFrom(leaf) == nil {
		return fmt.Sprintf("The certificate is self-signed by %q, which this server does not trust.", name)
	}
	return fmt.Sprintf("The certificate was issued by %q, which this server does not trust.", name)
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

func revokedCASentence(ca *x509.Certificate, r Revocation) string {
	when := ""
	if !r.Time.IsZero() {
		when = " on " + r.Time.UTC().Format(dateLayout)
	}
	return fmt.Sprintf("Its CA %q was revoked%s, so no certificate it issued is accepted; ask your admin for a new one.", certinfo.Clean(ca.Subject.CommonName), when)
}

func okSentence(r Result) string {
	if r.Info == nil {
		return "All checks passed."
	}
	return fmt.Sprintf("%s's certificate is valid until %s and was issued by a trusted CA.", r.CommonName, r.NotAfter.UTC().Format(dateLayout))
}

// usageProblem says why the certificate may not be used to authenticate a
// TLS client, or "" when it may. Rules follow OpenSSL's sslclient purpose:
// the leaf's EKU (when present) must allow clientAuth, and so must every CA
// on the chain that has an EKU; the leaf's KeyUsage (when present) must
// allow digitalSignature or keyAgreement.
func usageProblem(leaf *x509.Certificate, chain []*x509.Certificate) string {
	if !allowsClientAuth(leaf) {
		return fmt.Sprintf("The certificate is not made for client authentication: its extended key usage is %s, without clientAuth.", ekuList(leaf))
	}
	if leaf.KeyUsage != 0 && leaf.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageKeyAgreement) == 0 {
		return fmt.Sprintf("The certificate's key usage (%s) allows neither digitalSignature nor keyAgreement, so it cannot sign a TLS handshake.", joinNames(certinfo.KeyUsageNames(leaf.KeyUsage)))
	}
	for _, ca := range chainCAs(chain) {
		if !allowsClientAuth(ca) {
			return fmt.Sprintf("Its CA %q restricts what it issues to %s, without clientAuth.", certinfo.Clean(ca.Subject.CommonName), ekuList(ca))
		}
	}
	return ""
}

func chainCAs(chain []*x509.Certificate) []*x509.Certificate {
	if len(chain) < 2 {
		return nil
	}
	return chain[1:]
}

func allowsClientAuth(c *x509.Certificate) bool {
	if len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 {
		return true // no EKU means any purpose
	}
	return slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageClientAuth) || slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageAny)
}

func ekuList(c *x509.Certificate) string {
	return joinNames(certinfo.ExtKeyUsageNames(c))
}

func joinNames(names []string) string {
	if len(names) == 0 {
		return "empty"
	}
	out := names[0]
	for _, n := range names[1:] {
		out += ", " + n
	}
	return out
}

func cleanErr(err error) string { return certinfo.Clean(err.Error()) }

// signaturePath finds a path from c to a trust anchor by signatures only,
// through the presented intermediates, at most four deep.
func signaturePath(c *x509.Certificate, intermediates []*x509.Certificate, trust *Trust, path []*x509.Certificate) []*x509.Certificate {
	path = append(path, c)
	if len(path) > 5 {
		return nil
	}
	for _, root := range trust.bySubj[string(c.RawIssuer)] {
		if c.CheckSignatureFrom(root) == nil {
			return append(path, root)
		}
	}
	for _, i := range intermediates {
		if string(i.RawSubject) != string(c.RawIssuer) || slices.ContainsFunc(path, i.Equal) || c.CheckSignatureFrom(i) != nil {
			continue
		}
		if found := signaturePath(i, intermediates, trust, path); found != nil {
			return found
		}
	}
	return nil
}
