package verdict

import (
	"crypto/sha256"
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
	var k [64]byte
	copy(k[:32], issuer.fp[:])
	copy(k[32:], subject.fp[:])
	if ok, found := sigCache.get(k); found {
		return ok
	}
	ok := verifySignature(issuer.pub, subject.sigAlg, subject.tbs, subject.sig)
	sigCache.put(k, ok)
	return ok
}
