package verdict

import (
	"crypto"
	"fmt"
	"strings"

	"certdesk/core/certinfo"
)

// codeOf maps an OpenSSL verify error to a verdict code.
func codeOf(err int) Code {
	switch err {
	case errUnableToGetIssuerLocally, errUnableToVerifyLeafSig, errDepthZeroSelfSigned, errSelfSignedInChain,
		errCertSignatureFailure, errUnableToDecodeIssuerKey:
		return UnknownCA
	case errUnableToGetIssuerCert:
		return IncompleteChain
	case errChainTooLong:
		return ChainTooLong
	case errInvalidCA, errPathLengthExceeded, errKeyUsageNoCertSign:
		return InvalidCA
	case errUnhandledCritical:
		return UnsupportedExtension
	case errPermittedViolation, errExcludedViolation, errSubtreeMinMax, errUnsupportedConstraintType, errUnsupportedNameSyntax:
		return NameNotPermitted
	case errEEKeyTooSmall, errCAKeyTooSmall, errECExplicitParams:
		return WeakKey
	case errCAMDTooWeak:
		return WeakSignature
	case errCertNotYetValid:
		return NotYetValid
	case errCertHasExpired:
		return Expired
	case errCertRevoked:
		return Revoked
	case errInvalidPurpose:
		return WrongUsage
	case errUnableToGetCRL, errCRLSignatureFailure, errCRLNotYetValid, errCRLHasExpired, errUnableToGetCRLIssuer,
		errKeyUsageNoCRLSign, errUnhandledCriticalCRL, errDifferentCRLScope:
		return CRLUnavailable
	}
	return Malformed
}

func q(s string) string { return fmt.Sprintf("%q", certinfo.Clean(s)) }

// who names the certificate at depth for a sentence.
func who(x *xcert, depth int) string {
	if depth == 0 {
		return "The certificate"
	}
	return "Its CA " + q(x.commonName())
}

// explain turns one OpenSSL error into a finding with a sentence that is
// true for it.
func (v *verifier) explain(e verifyEvent) finding {
	x, d := e.cert, e.depth
	c := codeOf(e.err)
	var s string
	if v.stoppedByDepth(e) {
		return finding{ChainTooLong, v.depthSentence()}
	}
	switch e.err {
	case errUnableToGetIssuerLocally, errUnableToVerifyLeafSig:
		if x.flags&fINVALID != 0 {
			return finding{Malformed, fmt.Sprintf("%s has %s, which OpenSSL takes as an invalid certificate: it cannot be tied to any issuer, so nginx refuses it.", who(x, d), x.invalid)}
		}
		s = v.unknownIssuer(x, d)
	case errUnableToGetIssuerCert:
		s = fmt.Sprintf("%s is trusted here, but it is an intermediate CA and the root that issued it, %s, is not among the trusted CAs; nginx accepts no chain that stops at an intermediate (add the root to the trusted CAs).", "The CA "+q(x.commonName()), q(x.issuerName()))
	case errDepthZeroSelfSigned:
		s = fmt.Sprintf("The certificate is self-signed by %s, which this server does not trust.", q(x.issuerName()))
	case errSelfSignedInChain:
		if len(v.trust.anchors(x.subject)) > 0 {
			s = fmt.Sprintf("The chain ends in a root named %s, like a trusted CA, but it is not that CA's certificate: a look-alike root with another key.", q(x.commonName()))
		} else {
			s = fmt.Sprintf("The chain ends in the self-signed root %s, which this server does not trust.", q(x.commonName()))
		}
	case errCertSignatureFailure:
		issuer := v.chain[min(d+1, len(v.chain)-1)]
		if twin := v.trustedSigner(x, issuer); twin != nil {
			s = fmt.Sprintf("%s was signed by a trusted CA named %s, but another trusted CA has the same name and the certificate has no authority key identifier to tell them apart; OpenSSL checks it against the first one it finds, and fails.", who(x, d), q(issuer.commonName()))
		} else if d+1 >= v.numUntrusted {
			s = fmt.Sprintf("%s claims to come from %s, but it was not signed by the trusted CA of that name: a look-alike CA with another key made it.", who(x, d), q(issuer.commonName()))
		} else {
			s = fmt.Sprintf("%s does not carry a valid signature of its issuer %s: it was altered, or signed by another key.", who(x, d), q(issuer.commonName()))
		}
	case errUnableToDecodeIssuerKey:
		s = fmt.Sprintf("The key of %s cannot be read, so no signature it made can be checked.", q(x.commonName()))
	case errChainTooLong:
		s = v.depthSentence()
	case errInvalidCA:
		s = invalidCASentence(x)
	case errPathLengthExceeded:
		s = fmt.Sprintf("Its CA %s allows at most %d CA(s) below it (pathLenConstraint), and the chain has more.", q(x.commonName()), x.pathlen)
	case errKeyUsageNoCertSign:
		s = fmt.Sprintf("Its CA %s has a key usage without keyCertSign, so it may not sign certificates.", q(x.commonName()))
	case errUnhandledCritical:
		s = fmt.Sprintf("%s has a critical extension OpenSSL does not understand (%s), so nginx refuses it.", who(x, d), strings.Join(x.unknownCritical, ", "))
	case errPermittedViolation, errExcludedViolation:
		s = fmt.Sprintf("%s has a name outside what a CA above it may issue for (its name constraints: %s).", who(x, d), opensslText[e.err])
	case errSubtreeMinMax, errUnsupportedConstraintType, errUnsupportedNameSyntax:
		s = fmt.Sprintf("The names of %s cannot be checked against the name constraints of a CA above it (%s), so nginx refuses it.", strings.ToLower(who(x, d)[:1])+who(x, d)[1:], opensslText[e.err])
	case errEEKeyTooSmall, errCAKeyTooSmall:
		s = fmt.Sprintf("%s has a %s key, weaker than security level 2 allows (RSA and DSA need at least 2048 bits, EC at least 224).", who(x, d), keyName(x))
	case errECExplicitParams:
		s = fmt.Sprintf("%s has an EC key with explicit curve parameters instead of a named curve, which OpenSSL refuses in a chain.", who(x, d))
	case errCAMDTooWeak:
		s = fmt.Sprintf("%s is signed with %s, a digest security level 2 refuses; it must be reissued with SHA-256 or better.", who(x, d), hashName(x.sigAlg.hash))
	case errCertNotYetValid:
		nb, _ := x.notBefore.timeAt()
		s = fmt.Sprintf("%s is not valid until %s; check the clock of this machine, or wait.", who(x, d), nb.UTC().Format(dateTimeLayout))
	case errCertHasExpired:
		na, _ := x.notAfter.timeAt()
		s = fmt.Sprintf("%s expired on %s; ask your admin for a new one.", who(x, d), na.UTC().Format(dateLayout))
	case errNotBeforeField, errNotAfterField:
		field, t := "notBefore", x.notBefore
		if e.err == errNotAfterField {
			field, t = "notAfter", x.notAfter
		}
		s = fmt.Sprintf("%s has a %s time (%s) that is not in the form RFC 5280 requires (YYMMDDHHMMSSZ), so OpenSSL cannot read it.", who(x, d), field, q(t.s))
	case errCertRevoked:
		s = revokedSentence(v.revocation(x, d))
	case errInvalidPurpose:
		s = usageSentence(x, d)
	case errUnableToGetCRL:
		s = fmt.Sprintf("No CRL from %s covers %s; with CRLs in use, nginx needs a current CRL for every certificate of the chain.", q(x.issuerName()), strings.ToLower(who(x, d)[:1])+who(x, d)[1:])
	case errCRLHasExpired, errCRLNotYetValid:
		s = fmt.Sprintf("The CRL of %s is %s; publish a new CRL and reload the server, until then nginx refuses everyone.", q(x.issuerName()), opensslText[e.err][4:])
	default:
		s = fmt.Sprintf("%s: %s.", who(x, d), opensslText[e.err])
	}
	return finding{c, s}
}

// stoppedByDepth: the error only says no issuer was found because the
// depth limit stopped the search before a trusted issuer that exists.
func (v *verifier) stoppedByDepth(e verifyEvent) bool {
	switch e.err {
	case errUnableToGetIssuerLocally, errUnableToVerifyLeafSig, errUnableToGetIssuerCert:
	default:
		return false
	}
	if len(v.chain) <= v.maxDepth() {
		return false
	}
	top := v.chain[len(v.chain)-1]
	for _, ca := range v.trust.anchors(top.issuer) {
		if checkIssued(top, ca) {
			return true
		}
	}
	for _, c := range v.untrusted {
		if checkIssued(top, c) {
			return true
		}
	}
	return false
}

func (v *verifier) depthSentence() string {
	return fmt.Sprintf("The chain has more CAs than the verify depth allows (%d between the certificate and the root; nginx's ssl_verify_depth).", v.trust.depth())
}

// trustedSigner is another trusted CA of the issuer's name whose key did
// make x's signature.
func (v *verifier) trustedSigner(x, issuer *xcert) *xcert {
	for _, ca := range v.trust.anchors(x.issuer) {
		if ca != issuer && signatureOK(ca, x) {
			return ca
		}
	}
	return nil
}

// unknownIssuer says why no trusted issuer was found for x.
func (v *verifier) unknownIssuer(x *xcert, d int) string {
	for _, ca := range v.trust.anchors(x.issuer) {
		if !signatureOK(ca, x) {
			return fmt.Sprintf("%s claims to come from %s, but it was not signed by the trusted CA of that name: a look-alike CA with another key made it.", who(x, d), q(x.issuerName()))
		}
		return fmt.Sprintf("%s was signed by the trusted CA %s, but it names another key of that CA (authority key identifier), so OpenSSL does not take that CA as its issuer.", who(x, d), q(x.issuerName()))
	}
	for _, c := range v.untrusted {
		if c != x && c.subject.equal(x.issuer) {
			return fmt.Sprintf("%s names %s as its issuer, and a certificate of that name was sent, but not the one that signed it (another key); the right one is neither sent nor trusted.", who(x, d), q(x.issuerName()))
		}
	}
	if d == 0 && x.flags&fSI == 0 {
		return fmt.Sprintf("The certificate was issued by %s, which this server does not trust and whose certificate was not sent (if it is an intermediate of a trusted CA, send it along).", q(x.issuerName()))
	}
	return fmt.Sprintf("Its CA %s was issued by %s, which this server does not trust (or whose certificate was not sent).", q(x.commonName()), q(x.issuerName()))
}

func (v *verifier) revocation(x *xcert, d int) Revocation {
	if d+1 < len(v.chain) {
		if r, ok := v.trust.revokedSerialX(v.chain[d+1], x); ok {
			return r
		}
	}
	for _, c := range v.trust.crls {
		if e, ok := c.revoked[intValue(x.serial).String()]; ok && c.issuer.equal(x.issuer) {
			return Revocation{Reason: reasonName(e.reason), Time: e.when}
		}
	}
	return Revocation{}
}

func reasonName(r int) string {
	names := []string{"unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded",
		"cessationOfOperation", "certificateHold", "", "removeFromCRL", "privilegeWithdrawn", "aACompromise"}
	if r >= 0 && r < len(names) {
		return names[r]
	}
	return ""
}

func invalidCASentence(x *xcert) string {
	n := q(x.commonName())
	switch {
	case x.flags&fV1 != 0:
		return fmt.Sprintf("Its CA %s is a version 1 certificate, which OpenSSL accepts only as a self-signed root, not as an intermediate.", n)
	case x.flags&fKUSAGE != 0 && x.kusage&kuKeyCertSign == 0:
		return fmt.Sprintf("Its CA %s has a key usage without keyCertSign, so it is not a CA.", n)
	case x.flags&fBCONS != 0 && x.flags&fCA == 0:
		return fmt.Sprintf("Its CA %s says CA:FALSE in its basic constraints, so it may not issue certificates.", n)
	case x.flags&fBCONS == 0:
		return fmt.Sprintf("Its CA %s has no basic constraints CA:TRUE, which OpenSSL requires of an intermediate CA.", n)
	}
	return fmt.Sprintf("Its CA %s is not a valid CA certificate.", n)
}

func usageSentence(x *xcert, d int) string {
	if d > 0 {
		n := q(x.commonName())
		switch {
		case x.flags&fXKUSAGE != 0 && x.xkusage&xkuSSLClient == 0:
			return fmt.Sprintf("Its CA %s restricts what it issues to %s, without clientAuth.", n, ekuNames(x))
		case checkCA(x) == 5:
			return fmt.Sprintf("Its CA %s is a Netscape-type CA, but not one for SSL clients.", n)
		}
		return fmt.Sprintf("Its CA %s is not a CA OpenSSL accepts for client certificates.", n)
	}
	switch {
	case x.flags&fXKUSAGE != 0 && len(x.ekus) == 0:
		return "The certificate is not made for client authentication: its extended key usage extension is empty."
	case x.flags&fXKUSAGE != 0 && x.xkusage == xkuAny && len(x.ekus) == 1:
		return "The certificate is not made for client authentication: its extended key usage is only anyExtendedKeyUsage, which OpenSSL does not take as clientAuth."
	case x.flags&fXKUSAGE != 0 && x.xkusage&xkuSSLClient == 0:
		return fmt.Sprintf("The certificate is not made for client authentication: its extended key usage is %s, without clientAuth.", ekuNames(x))
	case x.flags&fKUSAGE != 0 && x.kusage&(kuDigitalSignature|kuKeyAgreement) == 0:
		if x.go509 != nil && len(certinfo.KeyUsageNames(x.go509.KeyUsage)) > 0 {
			return fmt.Sprintf("The certificate's key usage (%s) allows neither digitalSignature nor keyAgreement, so it cannot sign a TLS handshake.", strings.Join(certinfo.KeyUsageNames(x.go509.KeyUsage), ", "))
		}
		return "The certificate's key usage extension is empty: it allows neither digitalSignature nor keyAgreement, so it cannot sign a TLS handshake."
	case x.flags&fNSCERT != 0 && x.nscert&nsSSLClient == 0:
		return "The certificate's Netscape certificate type does not include SSL client, so OpenSSL refuses it for client authentication."
	}
	return "The certificate is not made for client authentication."
}

var ekuOIDNames = map[string]string{
	"1.3.6.1.5.5.7.3.1": "serverAuth", "1.3.6.1.5.5.7.3.2": "clientAuth", "1.3.6.1.5.5.7.3.3": "codeSigning",
	"1.3.6.1.5.5.7.3.4": "emailProtection", "1.3.6.1.5.5.7.3.8": "timeStamping", "1.3.6.1.5.5.7.3.9": "OCSPSigning",
	"2.5.29.37.0": "anyExtendedKeyUsage",
}

func ekuNames(x *xcert) string {
	if len(x.ekus) == 0 {
		return "empty"
	}
	out := make([]string, len(x.ekus))
	for i, o := range x.ekus {
		out[i] = o
		if n, ok := ekuOIDNames[o]; ok {
			out[i] = n
		}
	}
	return strings.Join(out, ", ")
}

func keyName(x *xcert) string {
	if x.pub == nil {
		return "unreadable"
	}
	switch keyKind(x.pub) {
	case "dsa":
		return "DSA"
	}
	if d := describeKey(x.pub); d != "unknown" {
		return d
	}
	return keyKind(x.pub)
}

func hashName(h crypto.Hash) string {
	switch h {
	case crypto.MD5:
		return "MD5"
	case crypto.SHA1:
		return "SHA-1"
	}
	return h.String()
}
