package verdict

import (
	"crypto/sha256"
	"crypto/x509"
	"sync"
)

// chainCacheSize bounds the verified chains remembered per set of CAs.
const chainCacheSize = 4096

// chainCache remembers which presented chains were already found to lead
// to a trusted CA by signature, so a returning client costs no second
// signature check. Only the signature path is cached: time, revocation
// and usage are judged afresh on every handshake.
type chainCache struct {
	mu     sync.Mutex
	chains map[[32]byte][]*x509.Certificate
}

func newChainCache() *chainCache {
	return &chainCache{chains: make(map[[32]byte][]*x509.Certificate)}
}

func chainKey(certs []*x509.Certificate) [32]byte {
	h := sha256.New()
	for _, c := range certs {
		h.Write(c.Raw)
		h.Write([]byte{0})
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

func (c *chainCache) get(k [32]byte) ([]*x509.Certificate, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	chain, ok := c.chains[k]
	return chain, ok
}

func (c *chainCache) put(k [32]byte, chain []*x509.Certificate) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.chains) >= chainCacheSize {
		clear(c.chains)
	}
	c.chains[k] = chain
}
