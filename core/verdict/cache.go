package verdict

import (
	"crypto/sha256"
	"crypto/x509"
	"sync"
)

// cacheSize bounds the certificates and signature checks remembered.
const cacheSize = 4096

// certCache remembers certificates already read, by the SHA-256 of their
// bytes, so that a returning client costs no second parse; sigCache
// remembers signature checks by the pair of certificates. Both are
// facts about bytes, true under any trust; time, revocation, usage and
// the chain are judged afresh on every handshake.
var (
	certCache = boundedCache[[32]byte, *xcert]{m: map[[32]byte]*xcert{}}
	sigCache  = boundedCache[[64]byte, bool]{m: map[[64]byte]bool{}}
	// goSigCache remembers crypto/x509's answers for SignedBy.
	goSigCache = boundedCache[[64]byte, bool]{m: map[[64]byte]bool{}}
)

type boundedCache[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

func (c *boundedCache[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *boundedCache[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= cacheSize {
		clear(c.m)
	}
	c.m[k] = v
}

// parseCached is parseX, remembered.
func parseCached(der []byte) (*xcert, error) {
	k := sha256.Sum256(der)
	if x, ok := certCache.get(k); ok {
		return x, nil
	}
	x, err := parseX(der)
	if err != nil {
		return nil, err
	}
	certCache.put(k, x)
	return x, nil
}

// signatureOK reports whether issuer's key made subject's signature.
func signatureOK(issuer, subject *xcert) bool {
	return remembered(&sigCache, pairKey(issuer.fp, subject.fp), func() bool {
		return verifySignature(issuer.pub, subject.sigAlg, subject.tbs, subject.sig)
	})
}

// SignedBy reports whether child.CheckSignatureFrom(parent) succeeds, by
// crypto/x509's rules (parent a CA allowed to sign certificates, no SHA-1),
// not the judge's. The answer is remembered by the two certificates'
// bytes, so a client that returns costs no second signature check.
func SignedBy(child, parent *x509.Certificate) bool {
	if len(child.Raw) == 0 || len(parent.Raw) == 0 { // not parsed: no bytes to remember it by
		return child.CheckSignatureFrom(parent) == nil
	}
	return remembered(&goSigCache, pairKey(sha256.Sum256(parent.Raw), sha256.Sum256(child.Raw)), func() bool {
		return child.CheckSignatureFrom(parent) == nil
	})
}

func pairKey(issuer, subject [32]byte) [64]byte {
	var k [64]byte
	copy(k[:32], issuer[:])
	copy(k[32:], subject[:])
	return k
}

// remembered is c's answer for k, found by check the first time.
func remembered(c *boundedCache[[64]byte, bool], k [64]byte, check func() bool) bool {
	if ok, found := c.get(k); found {
		return ok
	}
	ok := check()
	c.put(k, ok)
	return ok
}
