package verdict

import (
	"time"
)

// authLevel is the security level nginx runs at with Debian's OpenSSL
// configuration (CipherString = DEFAULT:@SECLEVEL=2).
const authLevel = 2

// minBits is OpenSSL's minbits_table at authLevel.
const minBits = 112

// verifier is a port of OpenSSL 3.0's X509_verify_cert as nginx runs it:
// purpose sslclient, default flags (trusted first, no partial chains),
// the CRL checks ssl_crl turns on, and a verify callback that lets the
// verification go on after every error (nginx decides afterwards), so
// that the last error is what $ssl_client_verify shows.
type verifier struct {
	trust        *Trust
	now          time.Time
	chain        []*xcert
	numUntrusted int
	untrusted    []*xcert
	events       []verifyEvent
	lastErr      int
	trusted      bool // the chain reached a trust anchor
}

func (v *verifier) fail(err, depth int, x *xcert) {
	if x == nil && depth >= 0 && depth < len(v.chain) {
		x = v.chain[depth]
	}
	v.events = append(v.events, verifyEvent{err: err, depth: depth, cert: x})
	v.lastErr = err
}

// run verifies the presented chain (leaf first).
func (v *verifier) run(presented []*xcert) {
	leaf := presented[0]
	v.chain = []*xcert{leaf}
	v.numUntrusted = 1
	v.untrusted = append([]*xcert(nil), presented...)
	if leaf.keyBits < minBits {
		v.fail(errEEKeyTooSmall, 0, leaf)
	}
	if !v.buildChain() {
		return
	}
	v.checkExtensions()
	v.checkAuthLevel()
	v.checkRevocation()
	v.internalVerify()
	v.checkNameConstraints()
}

func (v *verifier) maxDepth() int { return v.trust.depth() + 1 }

// checkIssued is check_issued / ossl_x509_likely_issued.
func checkIssued(x, issuer *xcert) bool {
	if x.flags&fINVALID != 0 || issuer.flags&fINVALID != 0 {
		return false
	}
	return issuer.subject.equal(x.issuer) && checkAKID(issuer, x.akid) == 0 && sigAlgMatches(issuer.pub, x)
}

// bestIssuer is get0_best_issuer_sk: the first candidate that issued x
// and is valid now, else the one that expires last.
func (v *verifier) bestIssuer(cands []*xcert, x *xcert, noDup bool) *xcert {
	var best *xcert
	for _, c := range cands {
		if noDup && !(x.flags&fSI != 0 && len(v.chain) == 1) && v.inChain(c) {
			continue
		}
		if !checkIssued(x, c) {
			continue
		}
		if c.timeValid(v.now) {
			return c
		}
		if best == nil || laterNotAfter(c, best) {
			best = c
		}
	}
	return best
}

func laterNotAfter(a, b *xcert) bool {
	ta, _ := a.notAfter.timeAt()
	tb, _ := b.notAfter.timeAt()
	return ta.After(tb)
}

func (v *verifier) inChain(c *xcert) bool {
	for _, x := range v.chain {
		if x.fp == c.fp {
			return true
		}
	}
	return false
}

const (
	trustUntrusted = iota
	trustTrusted
)

// checkTrust is check_trust without auxiliary trust: only a self-signed
// certificate from the store is a trust anchor (no partial chains).
func (v *verifier) checkTrust(from int) int {
	for i := from; i < len(v.chain); i++ {
		if v.chain[i].flags&fSS != 0 && v.chain[i].flags&fINVALID == 0 {
			return trustTrusted
		}
	}
	return trustUntrusted
}

// buildChain is build_chain with trusted-first search. It returns false
// when OpenSSL would stop the verification there.
func (v *verifier) buildChain() bool {
	const sUntrusted, sTrusted = 1, 2
	search := sUntrusted | sTrusted
	trust := trustUntrusted
	maxDepth := v.maxDepth()
	for search != 0 {
		num := len(v.chain)
		if search&sTrusted != 0 {
			curr := v.chain[num-1]
			var issuer *xcert
			if num <= maxDepth {
				issuer = v.bestIssuer(v.trust.anchors(curr.issuer), curr, false)
			}
			if issuer != nil {
				ok := true
				selfSigned := curr.flags&fSS != 0
				if !selfSigned {
					v.chain = append(v.chain, issuer)
				} else if curr.fp != issuer.fp {
					ok = false // a self-signed mimic of a trusted CA
				} else {
					num--
					v.numUntrusted = num
					v.chain[num] = issuer
				}
				if ok {
					search &^= sUntrusted
					trust = v.checkTrust(num)
					if trust != trustUntrusted {
						break
					}
					if !selfSigned {
						continue
					}
				}
			}
			if search&sUntrusted == 0 {
				break
			}
		}
		if search&sUntrusted != 0 {
			curr := v.chain[num-1]
			var issuer *xcert
			if curr.flags&fSS == 0 && num <= maxDepth {
				issuer = v.bestIssuer(v.untrusted, curr, true)
			}
			if issuer == nil {
				search &^= sUntrusted
				search |= sTrusted
				continue
			}
			v.takeUntrusted(issuer)
		}
	}
	return v.endChain(trust, maxDepth)
}

// takeUntrusted moves issuer from the untrusted certificates onto the chain.
func (v *verifier) takeUntrusted(issuer *xcert) {
	for i, c := range v.untrusted {
		if c == issuer {
			v.untrusted = append(v.untrusted[:i:i], v.untrusted[i+1:]...)
			break
		}
	}
	v.chain = append(v.chain, issuer)
	v.numUntrusted++
}

// endChain is the end of build_chain: the trust of the chain as built, or
// the error OpenSSL reports for it. It returns false when OpenSSL would
// stop the verification there.
func (v *verifier) endChain(trust, maxDepth int) bool {
	num := len(v.chain)
	if num <= maxDepth && trust == trustUntrusted && num == v.numUntrusted {
		trust = v.checkTrust(num)
	}
	if trust == trustTrusted {
		v.trusted = true
		return true
	}
	switch v.lastErr {
	case errNotBeforeField, errCertNotYetValid, errNotAfterField, errCertHasExpired:
		return false
	case 0:
	default:
		v.fail(v.lastErr, num-1, nil)
		return true
	}
	if num > maxDepth {
		v.fail(errChainTooLong, num-1, nil)
	}
	top := v.chain[num-1]
	switch {
	case top.flags&fSS != 0 && num == 1:
		v.fail(errDepthZeroSelfSigned, num-1, nil)
	case top.flags&fSS != 0:
		v.fail(errSelfSignedInChain, num-1, nil)
	case v.numUntrusted < num:
		v.fail(errUnableToGetIssuerCert, num-1, nil)
	default:
		v.fail(errUnableToGetIssuerLocally, num-1, nil)
	}
	return true
}

// checkCA is X509_check_ca.
func checkCA(x *xcert) int {
	if x.flags&fINVALID != 0 {
		return 0
	}
	if x.flags&fKUSAGE != 0 && x.kusage&kuKeyCertSign == 0 {
		return 0
	}
	if x.flags&fBCONS != 0 {
		if x.flags&fCA != 0 {
			return 1
		}
		return 0
	}
	switch {
	case x.flags&(fV1|fSS) == fV1|fSS:
		return 3
	case x.flags&fKUSAGE != 0:
		return 4
	case x.flags&fNSCERT != 0 && x.nscert&nsAnyCA != 0:
		return 5
	}
	return 0
}

// purposeSSLClient is check_purpose_ssl_client.
func purposeSSLClient(x *xcert, nonLeaf bool) bool {
	if x.flags&fINVALID != 0 {
		return true // X509_check_purpose fails with -1, which non-strict mode lets pass
	}
	if x.flags&fXKUSAGE != 0 && x.xkusage&xkuSSLClient == 0 {
		return false
	}
	if nonLeaf {
		ca := checkCA(x)
		return ca != 0 && (ca != 5 || x.nscert&nsSSLCA != 0)
	}
	if x.flags&fKUSAGE != 0 && x.kusage&(kuDigitalSignature|kuKeyAgreement) == 0 {
		return false
	}
	return x.flags&fNSCERT == 0 || x.nscert&nsSSLClient != 0
}

// checkExtensions is check_extensions for purpose sslclient.
func (v *verifier) checkExtensions() {
	num, plen := len(v.chain), 0
	for i, x := range v.chain {
		if x.flags&fCRITICAL != 0 {
			v.fail(errUnhandledCritical, i, x)
		}
		if i > 0 {
			if ret := checkCA(x); ret == 0 || (i+1 < num && ret != 1) {
				v.fail(errInvalidCA, i, x)
			}
		}
		if num > 1 && x.explicitEC {
			v.fail(errECExplicitParams, i, x)
		}
		if !purposeSSLClient(x, i > 0) {
			v.fail(errInvalidPurpose, i, x)
		}
		if i > 1 && x.pathlen != -1 && plen > x.pathlen {
			v.fail(errPathLengthExceeded, i, x)
		}
		if i > 0 && x.flags&fSI == 0 {
			plen++
		}
	}
}

// checkAuthLevel is check_auth_level at security level 2.
func (v *verifier) checkAuthLevel() {
	num := len(v.chain)
	for i, x := range v.chain {
		if i > 0 && x.keyBits < minBits {
			v.fail(errCAKeyTooSmall, i, x)
		}
		if i < num-1 && x.sigAlg.secBits < minBits {
			v.fail(errCAMDTooWeak, i, x)
		}
	}
}

// signingAllowed is ossl_x509_signing_allowed.
func signingAllowed(issuer *xcert) int {
	if issuer.flags&fKUSAGE != 0 && issuer.kusage&kuKeyCertSign == 0 {
		return errKeyUsageNoCertSign
	}
	return 0
}

// internalVerify checks signatures and times, from the top down.
func (v *verifier) internalVerify() {
	n := len(v.chain) - 1
	xi := v.chain[n]
	xs := xi
	if !checkIssued(xi, xi) {
		if n > 0 {
			n--
			xs = v.chain[n]
		} else {
			v.fail(errUnableToVerifyLeafSig, 0, xi)
		}
	}
	for n >= 0 {
		if xs != xi {
			issuerDepth := n + 1
			if r := signingAllowed(xi); r != 0 {
				v.fail(r, issuerDepth, xi)
			}
			if xi.pub == nil {
				v.fail(errUnableToDecodeIssuerKey, issuerDepth, xi)
			} else if !signatureOK(xi, xs) {
				v.fail(errCertSignatureFailure, n, xs)
			}
		}
		v.checkTime(xs, n)
		if n--; n >= 0 {
			xi = xs
			xs = v.chain[n]
		}
	}
}

// checkTime is ossl_x509_check_cert_time with a callback.
func (v *verifier) checkTime(x *xcert, depth int) {
	if nb, ok := x.notBefore.timeAt(); !ok {
		v.fail(errNotBeforeField, depth, x)
	} else if nb.After(v.now) {
		v.fail(errCertNotYetValid, depth, x)
	}
	if na, ok := x.notAfter.timeAt(); !ok {
		v.fail(errNotAfterField, depth, x)
	} else if !na.After(v.now) {
		v.fail(errCertHasExpired, depth, x)
	}
}

// checkNameConstraints is check_name_constraints (OpenSSL 3.0: a leaf's
// common name is held to DNS constraints when it has no DNS SAN).
func (v *verifier) checkNameConstraints() {
	num := len(v.chain)
	for i := num - 1; i >= 0; i-- {
		x := v.chain[i]
		if i != 0 && x.flags&fSI != 0 {
			continue
		}
		for j := num - 1; j > i; j-- {
			nc := v.chain[j].nc
			if nc == nil {
				continue
			}
			rv := nc.check(x)
			if rv == 0 && i == 0 && !hasDNSSAN(x) {
				rv = nc.checkCN(x)
			}
			if rv != 0 {
				v.fail(rv, i, x)
			}
		}
	}
}

func hasDNSSAN(x *xcert) bool {
	for _, g := range x.sans {
		if g.tag == 2 {
			return true
		}
	}
	return false
}
