package verdict

import (
	"crypto/x509"
	"fmt"
	"time"
)

// xcrl is a CRL as OpenSSL's CRL checks see it.
type xcrl struct {
	issuer     name
	akid       *akid
	thisUpdate time.Time
	nextUpdate time.Time           // zero when absent
	critical   bool                // an unhandled critical extension
	revoked    map[string]crlEntry // by serial, in decimal
	tbs, sig   []byte
	sigAlg     sigAlg
}

type crlEntry struct {
	reason int
	when   time.Time
}

// parseCRL reads a DER CRL.
func parseCRL(der []byte) (*xcrl, error) {
	rl, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, fmt.Errorf("reading a CRL: %w", err)
	}
	c := &xcrl{issuer: parseName(rl.RawIssuer), thisUpdate: rl.ThisUpdate, nextUpdate: rl.NextUpdate,
		revoked: map[string]crlEntry{}, tbs: rl.RawTBSRevocationList, sig: rl.Signature}
	if outer, _, ok := readTag(der, tagSequence); ok {
		if parts, ok := elements(outer.content); ok && len(parts) == 3 {
			c.sigAlg = parseSigAlg(parts[1].content)
		}
	}
	for _, e := range rl.Extensions {
		oid := e.Id.String()
		if oid == "2.5.29.35" {
			c.akid, _ = parseAKID(e.Value)
		}
		if e.Critical && oid != "2.5.29.28" && oid != "2.5.29.35" && oid != "2.5.29.27" {
			c.critical = true
		}
	}
	for _, r := range rl.RevokedCertificateEntries {
		c.revoked[r.SerialNumber.String()] = crlEntry{reason: r.ReasonCode, when: r.RevocationTime}
	}
	return c, nil
}

// CRL score bits (x509_vfy.c).
const (
	crlScoreNoCritical = 0x100
	crlScoreScope      = 0x080
	crlScoreTime       = 0x040
	crlScoreIssuerName = 0x020
	crlScoreValid      = crlScoreNoCritical | crlScoreTime | crlScoreScope
	crlScoreIssuerCert = 0x018
	crlScoreSamePath   = 0x008
	crlScoreAKID       = 0x004
)

func (c *xcrl) timeOK(now time.Time) bool {
	return !c.thisUpdate.After(now) && (c.nextUpdate.IsZero() || c.nextUpdate.After(now))
}

// score is get_crl_score without extended CRL support.
func (v *verifier) crlScore(c *xcrl, depth int) (int, *xcert) {
	x := v.chain[depth]
	if !c.issuer.equal(x.issuer) {
		return 0, nil
	}
	score := crlScoreIssuerName
	if !c.critical {
		score |= crlScoreNoCritical
	}
	if c.timeOK(v.now) {
		score |= crlScoreTime
	}
	idx := depth
	if idx != len(v.chain)-1 {
		idx++
	}
	var issuer *xcert
	if cand := v.chain[idx]; cand.subject.equal(c.issuer) && checkAKID(cand, c.akid) == 0 {
		score |= crlScoreAKID | crlScoreIssuerCert
		issuer = cand
	} else {
		for idx++; idx < len(v.chain); idx++ {
			if cand := v.chain[idx]; cand.subject.equal(c.issuer) && checkAKID(cand, c.akid) == 0 {
				score |= crlScoreAKID | crlScoreSamePath
				issuer = cand
				break
			}
		}
	}
	if score&crlScoreAKID == 0 {
		return 0, nil
	}
	return score | crlScoreScope, issuer
}

// checkCertCRL is check_cert_crl for the certificate at depth.
func (v *verifier) checkCertCRL(depth int) {
	x := v.chain[depth] // OpenSSL 3.0 asks a CRL even of a self-signed root
	var best *xcrl
	var issuer *xcert
	bestScore := 0
	for _, c := range v.trust.crls {
		s, iss := v.crlScore(c, depth)
		if s == 0 || s < bestScore || (s == bestScore && best != nil && !c.thisUpdate.After(best.thisUpdate)) {
			continue
		}
		best, issuer, bestScore = c, iss, s
	}
	if best == nil {
		v.fail(errUnableToGetCRL, depth, x)
		return
	}
	if issuer.flags&fKUSAGE != 0 && issuer.kusage&kuCRLSign == 0 {
		v.fail(errKeyUsageNoCRLSign, depth, x)
	}
	if bestScore&crlScoreTime == 0 {
		if best.thisUpdate.After(v.now) {
			v.fail(errCRLNotYetValid, depth, x)
		}
		if !best.nextUpdate.IsZero() && !best.nextUpdate.After(v.now) {
			v.fail(errCRLHasExpired, depth, x)
		}
	}
	if issuer.pub == nil {
		v.fail(errUnableToDecodeIssuerKey, depth, x)
	} else if !verifySignature(issuer.pub, best.sigAlg, best.tbs, best.sig) {
		v.fail(errCRLSignatureFailure, depth, x)
	}
	if best.critical {
		v.fail(errUnhandledCriticalCRL, depth, x)
	}
	if e, ok := best.revoked[intValue(x.serial).String()]; ok && e.reason != 8 {
		v.fail(errCertRevoked, depth, x)
	}
}

// checkRevocation is check_revocation with X509_V_FLAG_CRL_CHECK and
// CRL_CHECK_ALL, as ssl_crl sets them; without CRLs, the vault's own
// revocations stand in for them, at every level of the chain (a root that
// revoked an issuing CA refuses everyone under it).
func (v *verifier) checkRevocation() {
	if !v.trust.crlCheck {
		for i := 0; i+1 < len(v.chain); i++ {
			if _, ok := v.trust.revokedSerialX(v.chain[i+1], v.chain[i]); ok {
				v.fail(errCertRevoked, i, v.chain[i])
			}
		}
		return
	}
	for i := range v.chain {
		v.checkCertCRL(i)
	}
}
