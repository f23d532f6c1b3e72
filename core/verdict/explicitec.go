package verdict

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"math/big"
)

// explicitECKey reads an EC public key whose curve is spelled out in
// explicit parameters instead of named (Go refuses those; OpenSSL reads
// them, and then refuses them in a chain with its own words). Only the
// parameters of P-224, P-256, P-384 and P-521 are recognised.
func explicitECKey(spki []byte) (*ecdsa.PublicKey, bool) {
	outer, _, ok := readTag(spki, tagSequence)
	if !ok {
		return nil, false
	}
	parts, ok := elements(outer.content)
	if !ok || len(parts) != 2 || parts[1].tag != tagBitString || len(parts[1].content) < 2 {
		return nil, false
	}
	alg, ok := elements(parts[0].content)
	if !ok || len(alg) != 2 || alg[0].tag != tagOID || oidString(alg[0].content) != "1.2.840.10045.2.1" || alg[1].tag != tagSequence {
		return nil, false
	}
	params, ok := elements(alg[1].content)
	if !ok || len(params) < 5 || params[1].tag != tagSequence || params[4].tag != tagInteger {
		return nil, false
	}
	field, ok := elements(params[1].content)
	if !ok || len(field) != 2 || field[1].tag != tagInteger {
		return nil, false
	}
	p, n := new(big.Int).SetBytes(field[1].content), new(big.Int).SetBytes(params[4].content)
	for _, c := range []elliptic.Curve{elliptic.P224(), elliptic.P256(), elliptic.P384(), elliptic.P521()} {
		if c.Params().P.Cmp(p) == 0 && c.Params().N.Cmp(n) == 0 {
			k, err := ecdsa.ParseUncompressedPublicKey(c, parts[1].content[1:])
			return k, err == nil
		}
	}
	return nil, false
}
