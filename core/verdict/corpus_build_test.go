package verdict_test

// DER assembly for the corpus: Go's x509 cannot write most of what the
// corpus needs (string types, odd times, SHA-1 and MD5, empty and unknown
// extensions, v1 certificates, negative serials), so certificates and
// CRLs are put together here from their ASN.1 parts and signed by hand.

import (
	"crypto"
	//lint:ignore SA1019 weak DSA CAs are part of the corpus
	"crypto/dsa"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"math/big"
	"net"
	"time"

	_ "crypto/md5"
)

// der encodes one element.
func der(tag byte, parts ...[]byte) []byte {
	var content []byte
	for _, p := range parts {
		content = append(content, p...)
	}
	n := len(content)
	switch {
	case n < 0x80:
		return append([]byte{tag, byte(n)}, content...)
	case n < 0x100:
		return append([]byte{tag, 0x81, byte(n)}, content...)
	default:
		return append([]byte{tag, 0x82, byte(n >> 8), byte(n)}, content...)
	}
}

func seq(parts ...[]byte) []byte { return der(0x30, parts...) }

func mustMarshal(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func oid(ints ...int) []byte { return mustMarshal(asn1.ObjectIdentifier(ints)) }

func integer(n int64) []byte { return mustMarshal(big.NewInt(n)) }

func boolean(b bool) []byte { return mustMarshal(b) }

func octets(b []byte) []byte { return der(0x04, b) }

// bits encodes a BIT STRING from OpenSSL-style bit values (0x80 = bit 0).
func bits(first byte, more ...byte) []byte {
	data := append([]byte{first}, more...)
	for len(data) > 0 && data[len(data)-1] == 0 {
		data = data[:len(data)-1]
	}
	unused := 0
	if len(data) > 0 {
		last := data[len(data)-1]
		for unused < 7 && last&(1<<unused) == 0 {
			unused++
		}
	}
	return der(0x03, append([]byte{byte(unused)}, data...))
}

// Name building: an attribute with an explicit string tag.
type atv struct {
	oid []int
	tag byte
	val string
}

var (
	oidCN    = []int{2, 5, 4, 3}
	oidO     = []int{2, 5, 4, 10}
	oidC     = []int{2, 5, 4, 6}
	oidEmail = []int{1, 2, 840, 113549, 1, 9, 1}
)

func cn(s string) atv      { return atv{oidCN, 0x0c, s} }
func org(s string) atv     { return atv{oidO, 0x0c, s} }
func printCN(s string) atv { return atv{oidCN, 0x13, s} }

func bmp(s string) []byte {
	var out []byte
	for _, r := range s {
		out = append(out, byte(r>>8), byte(r))
	}
	return out
}

// dn builds a Name with one attribute per RDN, in order.
func dn(attrs ...atv) []byte {
	var rdns [][]byte
	for _, a := range attrs {
		v := []byte(a.val)
		if a.tag == 0x1e {
			v = bmp(a.val)
		}
		rdns = append(rdns, der(0x31, seq(oid(a.oid...), der(a.tag, v))))
	}
	return seq(rdns...)
}

// ext is one extension.
type ext struct {
	id       []int
	critical bool
	value    []byte
}

func (e ext) encode() []byte {
	if e.critical {
		return seq(oid(e.id...), boolean(true), octets(e.value))
	}
	return seq(oid(e.id...), octets(e.value))
}

func basicConstraints(ca bool, pathLen int) ext {
	var parts [][]byte
	if ca {
		parts = append(parts, boolean(true))
	}
	if pathLen >= 0 {
		parts = append(parts, integer(int64(pathLen)))
	}
	return ext{[]int{2, 5, 29, 19}, true, seq(parts...)}
}

const (
	kuDS        = 0x80
	kuNonRep    = 0x40
	kuKeyEnc    = 0x20
	kuDataEnc   = 0x10
	kuKeyAgree  = 0x08
	kuCertSign  = 0x04
	kuCRLSign   = 0x02
	nsSSLClient = 0x80
	nsSSLServer = 0x40
	nsSMIME     = 0x20
	nsSSLCA     = 0x04
	nsObjCA     = 0x01
)

func keyUsage(b byte) ext   { return ext{[]int{2, 5, 29, 15}, true, bits(b)} }
func nsCertType(b byte) ext { return ext{[]int{2, 16, 840, 1, 113730, 1, 1}, false, bits(b)} }

var (
	ekuServer = []int{1, 3, 6, 1, 5, 5, 7, 3, 1}
	ekuClient = []int{1, 3, 6, 1, 5, 5, 7, 3, 2}
	ekuEmail  = []int{1, 3, 6, 1, 5, 5, 7, 3, 4}
	ekuAny    = []int{2, 5, 29, 37, 0}
)

func extKeyUsage(ids ...[]int) ext {
	var parts [][]byte
	for _, id := range ids {
		parts = append(parts, oid(id...))
	}
	return ext{[]int{2, 5, 29, 37}, false, seq(parts...)}
}

func skid(id []byte) ext { return ext{[]int{2, 5, 29, 14}, false, octets(id)} }
func akidExt(id []byte) ext {
	return ext{[]int{2, 5, 29, 35}, false, seq(der(0x80, id))}
}

// General names.
func gDNS(s string) []byte   { return der(0x82, []byte(s)) }
func gEmail(s string) []byte { return der(0x81, []byte(s)) }
func gURI(s string) []byte   { return der(0x86, []byte(s)) }
func gDir(name []byte) []byte {
	return der(0xa4, name)
}
func gIP(s string) []byte {
	ip := net.ParseIP(s)
	if v4 := ip.To4(); v4 != nil {
		ip = v4
	}
	return der(0x87, ip)
}
func gIPNet(cidr string) []byte {
	_, n, _ := net.ParseCIDR(cidr)
	ip := n.IP
	if v4 := ip.To4(); v4 != nil {
		ip = v4
	}
	return der(0x87, append(append([]byte{}, ip...), n.Mask...))
}

func san(names ...[]byte) ext { return ext{[]int{2, 5, 29, 17}, false, seq(names...)} }

// nameConstraints builds the extension; minmax adds a minimum of 1 to
// every permitted subtree.
func nameConstraints(permitted, excluded [][]byte, minmax bool) ext {
	subtrees := func(tag byte, names [][]byte) []byte {
		if len(names) == 0 {
			return nil
		}
		var trees [][]byte
		for _, n := range names {
			if minmax {
				trees = append(trees, seq(n, der(0x80, []byte{1})))
			} else {
				trees = append(trees, seq(n))
			}
		}
		return der(tag, trees...)
	}
	return ext{[]int{2, 5, 29, 30}, true, seq(subtrees(0xa0, permitted), subtrees(0xa1, excluded))}
}

// Keys.
type keyPair struct {
	signer crypto.Signer // nil for DSA
	dsa    *dsa.PrivateKey
}

func (k keyPair) public() any {
	if k.dsa != nil {
		return &k.dsa.PublicKey
	}
	return k.signer.Public()
}

func spki(k keyPair) []byte {
	if k.dsa != nil {
		p := k.dsa.PublicKey
		params := mustMarshal(struct{ P, Q, G *big.Int }{p.P, p.Q, p.G})
		return seq(seq(oid(1, 2, 840, 10040, 4, 1), params), der(0x03, append([]byte{0}, mustMarshal(p.Y)...)))
	}
	b, err := x509.MarshalPKIXPublicKey(k.signer.Public())
	if err != nil {
		panic(err)
	}
	return b
}

func keyInfo(t tmpl) []byte {
	if !t.explicitEC {
		return spki(t.key)
	}
	pub := t.key.signer.Public().(*ecdsa.PublicKey)
	c := pub.Curve.Params()
	fixed := func(n *big.Int) []byte { return n.FillBytes(make([]byte, 32)) }
	a := new(big.Int).Sub(c.P, big.NewInt(3))
	params := seq(integer(1), seq(oid(1, 2, 840, 10045, 1, 1), mustMarshal(c.P)), seq(octets(fixed(a)), octets(fixed(c.B))),
		octets(append([]byte{4}, append(fixed(c.Gx), fixed(c.Gy)...)...)), mustMarshal(c.N), integer(1))
	point := append([]byte{4}, append(fixed(pub.X), fixed(pub.Y)...)...)
	return seq(seq(oid(1, 2, 840, 10045, 2, 1), params), der(0x03, append([]byte{0}, point...)))
}

// keyID is the SHA-1 of the public key bits, as CAs make SKIs.
func keyID(k keyPair) []byte {
	var info struct {
		Alg asn1.RawValue
		Key asn1.BitString
	}
	asn1.Unmarshal(spki(k), &info)
	h := sha1.Sum(info.Key.Bytes)
	return h[:]
}

// Signature algorithms by name.
type sigName string

const (
	sha256Sig sigName = "sha256"
	sha1Sig   sigName = "sha1"
	md5Sig    sigName = "md5"
	sha224Sig sigName = "sha224"
	pssSig    sigName = "pss"
)

func algID(k keyPair, s sigName) []byte {
	null := []byte{0x05, 0x00}
	switch {
	case k.dsa != nil:
		if s == sha1Sig {
			return seq(oid(1, 2, 840, 10040, 4, 3))
		}
		return seq(oid(2, 16, 840, 1, 101, 3, 4, 3, 2))
	}
	switch k.signer.(type) {
	case *ecdsa.PrivateKey:
		switch s {
		case sha1Sig:
			return seq(oid(1, 2, 840, 10045, 4, 1))
		case sha224Sig:
			return seq(oid(1, 2, 840, 10045, 4, 3, 1))
		}
		return seq(oid(1, 2, 840, 10045, 4, 3, 2))
	case ed25519.PrivateKey:
		return seq(oid(1, 3, 101, 112))
	case *rsa.PrivateKey:
		switch s {
		case sha1Sig:
			return seq(oid(1, 2, 840, 113549, 1, 1, 5), null)
		case md5Sig:
			return seq(oid(1, 2, 840, 113549, 1, 1, 4), null)
		case pssSig:
			sha256ID := seq(oid(2, 16, 840, 1, 101, 3, 4, 2, 1), null)
			return seq(oid(1, 2, 840, 113549, 1, 1, 10), seq(der(0xa0, sha256ID),
				der(0xa1, seq(oid(1, 2, 840, 113549, 1, 1, 8), sha256ID)), der(0xa2, integer(32))))
		}
		return seq(oid(1, 2, 840, 113549, 1, 1, 11), null)
	}
	panic("key")
}

func hashFor(s sigName) crypto.Hash {
	switch s {
	case sha1Sig:
		return crypto.SHA1
	case md5Sig:
		return crypto.MD5
	case sha224Sig:
		return crypto.SHA224
	}
	return crypto.SHA256
}

func sign(k keyPair, s sigName, tbs []byte) []byte {
	if _, ok := k.signer.(ed25519.PrivateKey); ok {
		sig, err := k.signer.Sign(rand.Reader, tbs, crypto.Hash(0))
		if err != nil {
			panic(err)
		}
		return sig
	}
	h := hashFor(s).New()
	h.Write(tbs)
	digest := h.Sum(nil)
	if k.dsa != nil {
		if n := k.dsa.Q.BitLen() / 8; len(digest) > n {
			digest = digest[:n]
		}
		r, ss, err := dsa.Sign(rand.Reader, k.dsa, digest)
		if err != nil {
			panic(err)
		}
		return mustMarshal(struct{ R, S *big.Int }{r, ss})
	}
	var opts crypto.SignerOpts = hashFor(s)
	if s == pssSig {
		opts = &rsa.PSSOptions{SaltLength: 32, Hash: crypto.SHA256}
	}
	sig, err := k.signer.Sign(rand.Reader, digest, opts)
	if err != nil {
		panic(err)
	}
	return sig
}

// asnTime is a validity time as it will be encoded.
type asnTime struct {
	tag byte
	s   string
}

func utc(t time.Time) asnTime { return asnTime{0x17, t.UTC().Format("060102150405Z")} }
func gen(t time.Time) asnTime { return asnTime{0x18, t.UTC().Format("20060102150405Z")} }

// tmpl describes a certificate to assemble.
type tmpl struct {
	version    int    // 1 or 3 (default 3)
	serial     []byte // INTEGER content; random when nil
	subject    []byte
	issuer     []byte // the issuer's subject unless set
	notBefore  asnTime
	notAfter   asnTime
	key        keyPair
	sig        sigName
	exts       []ext
	noKeyIDs   bool // leave out SKI and AKI
	akidOf     *keyPair
	berSubject bool // encode the subject's length in a non-minimal long form
	explicitV1 bool // write the DEFAULT version v1 explicitly
	explicitEC bool // spell out the P-256 curve instead of naming it
}

// cert is an assembled certificate with what signs for it.
type cert struct {
	der     []byte
	key     keyPair
	subject []byte
	name    string
}

func build(t tmpl, issuer *cert, issuerKey *keyPair) *cert {
	signer := t.key
	if issuerKey != nil {
		signer = *issuerKey
	} else if issuer != nil {
		signer = issuer.key
	}
	if t.issuer == nil {
		if issuer != nil {
			t.issuer = issuer.subject
		} else {
			t.issuer = t.subject
		}
	}
	if t.serial == nil {
		s := make([]byte, 12)
		rand.Read(s)
		s[0] &= 0x7f
		s[0] |= 0x10
		t.serial = s
	}
	if t.version == 0 {
		t.version = 3
	}
	alg := algID(signer, t.sig)
	subject := t.subject
	if t.berSubject {
		subject = append([]byte{subject[0], 0x82, 0, byte(len(subject) - 2)}, subject[2:]...)
	}
	var fields [][]byte
	if t.version > 1 || t.explicitV1 {
		fields = append(fields, der(0xa0, integer(int64(t.version-1))))
	}
	fields = append(fields, der(0x02, t.serial), alg, t.issuer,
		seq(der(t.notBefore.tag, []byte(t.notBefore.s)), der(t.notAfter.tag, []byte(t.notAfter.s))),
		subject, keyInfo(t))
	exts := t.exts
	if t.version >= 3 && !t.noKeyIDs {
		exts = append([]ext{skid(keyID(t.key))}, exts...)
		if t.akidOf != nil {
			exts = append(exts, akidExt(keyID(*t.akidOf)))
		} else if issuer != nil || issuerKey != nil {
			exts = append(exts, akidExt(keyID(signer)))
		}
	}
	if len(exts) > 0 && t.version >= 3 {
		var enc [][]byte
		for _, e := range exts {
			enc = append(enc, e.encode())
		}
		fields = append(fields, der(0xa3, seq(enc...)))
	}
	tbs := seq(fields...)
	sig := sign(signer, t.sig, tbs)
	return &cert{der: seq(tbs, alg, der(0x03, append([]byte{0}, sig...))), key: t.key, subject: t.subject}
}

// crlEntry revokes a serial.
type crlEntry struct {
	serial []byte
	reason int
}

// buildCRL assembles a v2 CRL by issuer, valid from..to.
func buildCRL(issuer *cert, from, to time.Time, revoked []crlEntry, key *keyPair) []byte {
	signer := issuer.key
	if key != nil {
		signer = *key
	}
	alg := algID(signer, sha256Sig)
	fields := [][]byte{integer(1), alg, issuer.subject, der(0x17, []byte(utc(from).s)), der(0x17, []byte(utc(to).s))}
	if len(revoked) > 0 {
		var entries [][]byte
		for _, r := range revoked {
			e := [][]byte{der(0x02, r.serial), der(0x17, []byte(utc(from).s))}
			if r.reason > 0 {
				e = append(e, seq(seq(oid(2, 5, 29, 21), octets(der(0x0a, []byte{byte(r.reason)})))))
			}
			entries = append(entries, seq(e...))
		}
		fields = append(fields, seq(entries...))
	}
	fields = append(fields, der(0xa0, seq(akidExt(keyID(issuer.key)).encode(), seq(oid(2, 5, 29, 20), octets(integer(1))))))
	tbs := seq(fields...)
	return seq(tbs, alg, der(0x03, append([]byte{0}, sign(signer, sha256Sig, tbs)...)))
}

// serialOf reads a certificate's serial INTEGER content.
func serialOf(c *cert) []byte {
	var outer struct {
		TBS asn1.RawValue
	}
	asn1.Unmarshal(c.der, &outer)
	rest := outer.TBS.Bytes
	var first asn1.RawValue
	rest, _ = asn1.Unmarshal(rest, &first)
	if first.Class == asn1.ClassContextSpecific {
		asn1.Unmarshal(rest, &first)
	}
	return first.Bytes
}

func fingerprint(b []byte) [32]byte { return sha256.Sum256(b) }
