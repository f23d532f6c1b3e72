package verdict

import (
	"crypto"
	//lint:ignore SA1019 see xcert.go
	"crypto/dsa"
	"crypto/ecdsa"
	"crypto/ed25519"
	_ "crypto/md5" // OpenSSL still checks MD5 signatures, then refuses them at level 2
	"crypto/rsa"
	_ "crypto/sha1"
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/asn1"
	"math/big"
)

// sigAlg is a signature algorithm as OpenSSL classifies it.
type sigAlg struct {
	key     string // "rsa", "ec", "ed25519", "dsa", "" when unknown
	hash    crypto.Hash
	pss     bool
	secBits int // X509_get_signature_info's security bits
}

var sigAlgs = map[string]sigAlg{
	"1.2.840.113549.1.1.4":   {key: "rsa", hash: crypto.MD5},
	"1.2.840.113549.1.1.5":   {key: "rsa", hash: crypto.SHA1},
	"1.2.840.113549.1.1.14":  {key: "rsa", hash: crypto.SHA224},
	"1.2.840.113549.1.1.11":  {key: "rsa", hash: crypto.SHA256},
	"1.2.840.113549.1.1.12":  {key: "rsa", hash: crypto.SHA384},
	"1.2.840.113549.1.1.13":  {key: "rsa", hash: crypto.SHA512},
	"1.2.840.10045.4.1":      {key: "ec", hash: crypto.SHA1},
	"1.2.840.10045.4.3.1":    {key: "ec", hash: crypto.SHA224},
	"1.2.840.10045.4.3.2":    {key: "ec", hash: crypto.SHA256},
	"1.2.840.10045.4.3.3":    {key: "ec", hash: crypto.SHA384},
	"1.2.840.10045.4.3.4":    {key: "ec", hash: crypto.SHA512},
	"1.3.101.112":            {key: "ed25519"},
	"1.2.840.10040.4.3":      {key: "dsa", hash: crypto.SHA1},
	"2.16.840.1.101.3.4.3.1": {key: "dsa", hash: crypto.SHA224},
	"2.16.840.1.101.3.4.3.2": {key: "dsa", hash: crypto.SHA256},
}

var pssHashes = map[string]crypto.Hash{
	"1.3.14.3.2.26":          crypto.SHA1,
	"2.16.840.1.101.3.4.2.1": crypto.SHA256,
	"2.16.840.1.101.3.4.2.2": crypto.SHA384,
	"2.16.840.1.101.3.4.2.3": crypto.SHA512,
}

// parseSigAlg reads an AlgorithmIdentifier's content.
func parseSigAlg(b []byte) sigAlg {
	oid, rest, ok := readTag(b, tagOID)
	if !ok {
		return sigAlg{}
	}
	o := oidString(oid.content)
	if o == "1.2.840.113549.1.1.10" { // RSASSA-PSS: the hash is in the parameters
		a := sigAlg{key: "rsa", pss: true, hash: crypto.SHA1}
		if params, _, ok := readTag(rest, tagSequence); ok {
			items, _ := elements(params.content)
			for _, it := range items {
				if it.tag != 0xa0 {
					continue
				}
				if alg, _, ok := readTag(it.content, tagSequence); ok {
					if h, _, ok := readTag(alg.content, tagOID); ok {
						a.hash = pssHashes[oidString(h.content)]
					}
				}
			}
		}
		a.secBits = hashBits(a.hash)
		return a
	}
	a, ok := sigAlgs[o]
	if !ok {
		return sigAlg{}
	}
	if a.key == "ed25519" {
		a.secBits = 128
	} else {
		a.secBits = hashBits(a.hash)
	}
	return a
}

// hashBits is the security OpenSSL 3.0 grants a digest in a signature.
func hashBits(h crypto.Hash) int {
	switch h {
	case crypto.MD5:
		return 39
	case crypto.SHA1:
		return 63
	case 0:
		return 0
	}
	return h.Size() * 4
}

func keyKind(pub any) string {
	switch pub.(type) {
	case *rsa.PublicKey:
		return "rsa"
	case *ecdsa.PublicKey:
		return "ec"
	case ed25519.PublicKey:
		return "ed25519"
	case *dsa.PublicKey:
		return "dsa"
	}
	return ""
}

// sigAlgMatches is check_sig_alg_match: the subject's signature algorithm
// fits the issuer's key type.
func sigAlgMatches(issuerKey any, subject *xcert) bool {
	k := keyKind(issuerKey)
	return k != "" && k == subject.sigAlg.key
}

// verifySignature checks the subject's signature with the issuer's key,
// for every digest OpenSSL checks (MD5 and SHA-1 included: refusing them
// is the security level's job, with its own words).
func verifySignature(issuerKey any, alg sigAlg, signed, sig []byte) bool {
	if alg.key == "" || keyKind(issuerKey) != alg.key {
		return false
	}
	if alg.key == "ed25519" {
		return ed25519.Verify(issuerKey.(ed25519.PublicKey), signed, sig)
	}
	if alg.hash == 0 || !alg.hash.Available() {
		return false
	}
	h := alg.hash.New()
	h.Write(signed)
	digest := h.Sum(nil)
	switch k := issuerKey.(type) {
	case *rsa.PublicKey:
		if alg.pss {
			return rsa.VerifyPSS(k, alg.hash, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}) == nil
		}
		return rsa.VerifyPKCS1v15(k, alg.hash, digest, sig) == nil
	case *ecdsa.PublicKey:
		return ecdsa.VerifyASN1(k, digest, sig)
	case *dsa.PublicKey:
		var rs struct{ R, S *big.Int }
		if rest, err := asn1.Unmarshal(sig, &rs); err != nil || len(rest) > 0 {
			return false
		}
		if n := k.Q.BitLen() / 8; len(digest) > n {
			digest = digest[:n]
		}
		return dsa.Verify(k, digest, rs.R, rs.S)
	}
	return false
}
