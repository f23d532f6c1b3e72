package verdict

import (
	//lint:ignore SA1019 OpenSSL still reads DSA certificates; judging them needs their keys
	"crypto/dsa"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"sync"
	"time"

	"certdesk/core/certinfo"
	"certdesk/core/pki"
)

// Flags OpenSSL's ossl_x509v3_cache_extensions computes (EXFLAG_*).
const (
	fBCONS    = 0x1
	fKUSAGE   = 0x2
	fXKUSAGE  = 0x4
	fNSCERT   = 0x8
	fCA       = 0x10
	fSI       = 0x20 // self-issued
	fV1       = 0x40
	fINVALID  = 0x80
	fCRITICAL = 0x200 // an unsupported critical extension
	fSS       = 0x2000
	fSAN      = 0x4000
)

// OpenSSL's key usage, extended key usage and Netscape type bits.
const (
	kuDigitalSignature = 0x80
	kuKeyAgreement     = 0x08
	kuKeyCertSign      = 0x04
	kuCRLSign          = 0x02
	xkuSSLClient       = 0x2
	xkuAny             = 0x100
	nsSSLClient        = 0x80
	nsSSLCA            = 0x04
	nsAnyCA            = 0x07
)

// errMalformed says a certificate could not be read at all.
var errMalformed = errors.New("not a readable X.509 certificate")

// xcert is a certificate as OpenSSL's verifier sees it.
type xcert struct {
	raw, tbs, sig      []byte
	sigAlg             sigAlg
	version            int
	serial             []byte // INTEGER content
	subject, issuer    name
	rawSubj, rawIssuer []byte
	notBefore          asnTime
	notAfter           asnTime
	pub                any // nil when Go cannot read the key
	keyBits            int // security bits of the key
	flags              uint32
	kusage, xkusage    uint32
	nscert             uint32
	pathlen            int
	skid               []byte
	akid               *akid
	sans               []generalName
	nc                 *nameConstraints
	ekus               []string
	unknownCritical    []string
	explicitEC         bool // an EC key with explicit curve parameters
	seen               map[string]bool
	invalid            string            // why OpenSSL takes the certificate as invalid (EXFLAG_INVALID)
	go509              *x509.Certificate // Go's view, for the identity shown
	fp                 [32]byte
	// keySHA256 is pki.CertificateKeySHA256(go509), found once: the key
	// of a CA's revocations.
	keySHA256 func() string
	// described is go509 described once, to be told At each judgement.
	described func() certinfo.Info
}

type akid struct {
	keyid   []byte
	issuers []generalName
	serial  []byte
	hasSer  bool
}

// asnTime is a validity time as encoded.
type asnTime struct {
	tag byte
	s   string
}

// parseX reads a certificate the way OpenSSL's d2i_X509 does.
func parseX(der []byte) (*xcert, error) {
	outer, rest, ok := readTag(der, tagSequence)
	if !ok || len(rest) != 0 {
		return nil, errMalformed
	}
	parts, ok := elements(outer.content)
	if !ok || len(parts) != 3 || parts[0].tag != tagSequence || parts[1].tag != tagSequence || parts[2].tag != tagBitString || len(parts[2].content) == 0 {
		return nil, errMalformed
	}
	x := &xcert{raw: der, tbs: parts[0].full, sig: parts[2].content[1:], version: 1, pathlen: -1, fp: sha256.Sum256(der)}
	x.sigAlg = parseSigAlg(parts[1].content)
	f, ok := elements(parts[0].content)
	if !ok || len(f) < 6 {
		return nil, errMalformed
	}
	f, err := x.readVersion(f)
	if err != nil {
		return nil, err
	}
	return x.readTBS(f)
}

// readVersion reads the optional version field at the start of the TBS
// fields f, and returns the fields after it.
func (x *xcert) readVersion(f []tlv) ([]tlv, error) {
	if f[0].tag != 0xa0 {
		return f, nil
	}
	// OpenSSL 3.0 takes any version number (v4 included), and reads the
	// extensions whatever it says.
	v, _, ok := readTag(f[0].content, tagInteger)
	if !ok || len(v.content) == 0 {
		return nil, fmt.Errorf("%w: version", errMalformed)
	}
	x.version = 4
	if n := intValue(v.content); n.IsInt64() && n.Int64() >= 0 && n.Int64() < 3 {
		x.version = int(n.Int64()) + 1
	}
	return f[1:], nil
}

// readTBS reads the TBS fields from the serial number on.
func (x *xcert) readTBS(f []tlv) (*xcert, error) {
	if len(f) < 6 || f[0].tag != tagInteger || f[1].tag != tagSequence || f[2].tag != tagSequence || f[3].tag != tagSequence || f[4].tag != tagSequence || f[5].tag != tagSequence {
		return nil, errMalformed
	}
	x.serial = f[0].content
	x.rawIssuer, x.rawSubj = f[2].full, f[4].full
	x.issuer, x.subject = parseName(f[2].full), parseName(f[4].full)
	if !x.issuer.ok || !x.subject.ok {
		return nil, fmt.Errorf("%w: name", errMalformed)
	}
	times, ok := elements(f[3].content)
	if !ok || len(times) != 2 {
		return nil, fmt.Errorf("%w: validity", errMalformed)
	}
	for _, t := range times {
		if t.tag != tagUTCTime && t.tag != tagGenTime {
			return nil, fmt.Errorf("%w: validity", errMalformed)
		}
	}
	x.notBefore, x.notAfter = asnTime{times[0].tag, string(times[0].content)}, asnTime{times[1].tag, string(times[1].content)}
	if pub, err := x509.ParsePKIXPublicKey(f[5].full); err == nil {
		x.pub = pub
	} else if k, ok := explicitECKey(f[5].full); ok {
		x.pub, x.explicitEC = k, true
	}
	x.keyBits = keySecurityBits(x.pub)
	if x.version == 1 {
		x.flags |= fV1
	}
	if err := x.extensions(f[6:]); err != nil {
		return nil, err
	}
	if x.subject.equal(x.issuer) {
		x.flags |= fSI
		if checkAKID(x, x.akid) == 0 && sigAlgMatches(x.pub, x) {
			x.flags |= fSS
		}
	}
	x.go509 = goView(x)
	x.keySHA256 = sync.OnceValue(func() string { return pki.CertificateKeySHA256(x.go509) })
	x.described = sync.OnceValue(func() certinfo.Info { return certinfo.Describe(x.go509, time.Time{}) })
	return x, nil
}

// extensions reads the extensions among the TBS fields after the key.
func (x *xcert) extensions(fields []tlv) error {
	for _, e := range fields {
		if e.tag != 0xa3 {
			continue
		}
		exts, _, ok := readTag(e.content, tagSequence)
		if !ok {
			return fmt.Errorf("%w: extensions", errMalformed)
		}
		list, ok := elements(exts.content)
		if !ok {
			return fmt.Errorf("%w: extensions", errMalformed)
		}
		for _, ext := range list {
			if err := x.extension(ext); err != nil {
				return err
			}
		}
	}
	return nil
}

// extension reads one extension into the flags OpenSSL keeps.
func (x *xcert) extension(ext tlv) error {
	p, ok := elements(ext.content)
	if !ok || len(p) < 2 || p[0].tag != tagOID {
		return fmt.Errorf("%w: extension", errMalformed)
	}
	oid, critical, value := oidString(p[0].content), false, p[len(p)-1]
	if len(p) == 3 && p[1].tag == tagBoolean && len(p[1].content) == 1 {
		critical = p[1].content[0] != 0
	}
	if value.tag != tagOctetString {
		return fmt.Errorf("%w: extension %s", errMalformed, oid)
	}
	if critical && !supportedExtension[oid] {
		x.flags |= fCRITICAL
		x.unknownCritical = append(x.unknownCritical, oid)
	}
	// A known extension that appears twice is an invalid certificate for
	// OpenSSL too.
	if decodedExtension[oid] && x.seenBefore(oid) {
		x.flags |= fINVALID
		x.invalid = "the " + extName(oid) + " extension twice"
		return nil
	}
	if read, ok := extensionReaders[oid]; ok && !read(x, value.content) {
		// OpenSSL reads a known extension it cannot decode as an invalid
		// certificate (EXFLAG_INVALID), not as unreadable bytes.
		x.flags |= fINVALID
		x.invalid = "an extension that cannot be decoded (" + extName(oid) + ")"
	}
	return nil
}

// seenBefore tells whether oid was met before in this certificate, and
// remembers it.
func (x *xcert) seenBefore(oid string) bool {
	if x.seen == nil {
		x.seen = map[string]bool{}
	}
	if x.seen[oid] {
		return true
	}
	x.seen[oid] = true
	return false
}

// extensionReaders read the extensions OpenSSL decodes into its flags, by
// OID; each reports false when the value cannot be decoded.
var extensionReaders = map[string]func(x *xcert, v []byte) bool{
	"2.5.29.19":             (*xcert).basicConstraints,
	"2.5.29.15":             (*xcert).keyUsage,
	"2.5.29.37":             (*xcert).extKeyUsage,
	"2.16.840.1.113730.1.1": (*xcert).netscapeCertType,
	"2.5.29.14":             (*xcert).subjectKeyID,
	"2.5.29.35":             (*xcert).authorityKeyID,
	"2.5.29.17":             (*xcert).subjectAltName,
	"2.5.29.30":             (*xcert).nameConstraints,
}

// sequenceItems reads v as a SEQUENCE and returns its elements.
func sequenceItems(v []byte) ([]tlv, bool) {
	seq, _, ok := readTag(v, tagSequence)
	if !ok {
		return nil, false
	}
	items, _ := elements(seq.content)
	return items, true
}

func (x *xcert) basicConstraints(v []byte) bool {
	items, ok := sequenceItems(v)
	if !ok {
		return false
	}
	x.flags |= fBCONS
	ca := false
	for _, it := range items {
		switch it.tag {
		case tagBoolean:
			ca = len(it.content) == 1 && it.content[0] != 0
		case tagInteger:
			x.pathLength(it.content)
		}
	}
	if ca {
		x.flags |= fCA
	}
	return true
}

// pathLength reads basic constraints' path length as OpenSSL bounds it.
func (x *xcert) pathLength(b []byte) {
	n := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		x.flags |= fINVALID
		x.invalid = "a negative path length in basic constraints"
		x.pathlen = 0
	} else if n.IsInt64() && n.Int64() < 1<<30 {
		x.pathlen = int(n.Int64())
	} else {
		x.pathlen = 1 << 30
	}
}

func (x *xcert) keyUsage(v []byte) bool {
	bits, ok := bitsOf(v)
	if !ok {
		return false
	}
	x.flags |= fKUSAGE
	x.kusage = bits
	if bits == 0 { // OpenSSL 3.0: an empty key usage makes the certificate invalid
		x.flags |= fINVALID
		x.invalid = "an empty key usage"
	}
	return true
}

func (x *xcert) extKeyUsage(v []byte) bool {
	items, ok := sequenceItems(v)
	if !ok {
		return false
	}
	x.flags |= fXKUSAGE
	for _, it := range items {
		o := oidString(it.content)
		x.ekus = append(x.ekus, o)
		switch o {
		case "1.3.6.1.5.5.7.3.2":
			x.xkusage |= xkuSSLClient
		case "2.5.29.37.0":
			x.xkusage |= xkuAny
		}
	}
	return true
}

func (x *xcert) netscapeCertType(v []byte) bool {
	bits, ok := bitsOf(v)
	if !ok {
		return false
	}
	x.flags |= fNSCERT
	x.nscert = bits & 0xff
	return true
}

func (x *xcert) subjectKeyID(v []byte) bool {
	o, _, ok := readTag(v, tagOctetString)
	if ok {
		x.skid = o.content
	}
	return ok
}

func (x *xcert) authorityKeyID(v []byte) bool {
	a, ok := parseAKID(v)
	if ok {
		x.akid = a
	}
	return ok
}

func (x *xcert) subjectAltName(v []byte) bool {
	seq, _, ok := readTag(v, tagSequence)
	if !ok {
		return false
	}
	x.flags |= fSAN
	x.sans = parseGeneralNames(seq.content)
	return true
}

func (x *xcert) nameConstraints(v []byte) bool {
	nc, ok := parseNameConstraints(v)
	if ok {
		x.nc = nc
	}
	return ok
}

// parseAKID reads an authorityKeyIdentifier's value.
func parseAKID(v []byte) (*akid, bool) {
	seq, _, ok := readTag(v, tagSequence)
	if !ok {
		return nil, false
	}
	a := &akid{}
	items, _ := elements(seq.content)
	for _, it := range items {
		switch it.tag {
		case 0x80:
			a.keyid = it.content
		case 0xa1:
			a.issuers = parseGeneralNames(it.content)
		case 0x82:
			a.serial, a.hasSer = it.content, true
		}
	}
	return a, true
}

// decodedExtension are the extensions OpenSSL 3.0 decodes while caching
// a certificate's extensions: a duplicate of one makes it invalid.
var decodedExtension = map[string]bool{
	"2.5.29.19": true, "2.5.29.15": true, "2.5.29.37": true, "2.16.840.1.113730.1.1": true,
	"2.5.29.14": true, "2.5.29.35": true, "2.5.29.17": true, "2.5.29.30": true, "2.5.29.31": true,
	"1.3.6.1.5.5.7.1.14": true,
}

var extNames = map[string]string{
	"2.5.29.19": "basic constraints", "2.5.29.15": "key usage", "2.5.29.37": "extended key usage",
	"2.16.840.1.113730.1.1": "Netscape certificate type", "2.5.29.14": "subject key identifier",
	"2.5.29.35": "authority key identifier", "2.5.29.17": "subject alternative name",
	"2.5.29.30": "name constraints", "2.5.29.31": "CRL distribution points",
}

func extName(oid string) string {
	if n, ok := extNames[oid]; ok {
		return n
	}
	return oid
}

// supportedExtension is X509_supported_extension: the critical extensions
// OpenSSL 3.0 understands.
var supportedExtension = map[string]bool{
	"2.16.840.1.113730.1.1": true, // Netscape cert type
	"2.5.29.15":             true, // keyUsage
	"2.5.29.17":             true, // subjectAltName
	"2.5.29.19":             true, // basicConstraints
	"2.5.29.32":             true, // certificatePolicies
	"2.5.29.31":             true, // cRLDistributionPoints
	"2.5.29.37":             true, // extKeyUsage
	"1.3.6.1.5.5.7.1.7":     true, // ipAddrBlocks
	"1.3.6.1.5.5.7.1.8":     true, // autonomousSysIds
	"2.5.29.36":             true, // policyConstraints
	"1.3.6.1.5.5.7.1.14":    true, // proxyCertInfo
	"2.5.29.30":             true, // nameConstraints
	"2.5.29.33":             true, // policyMappings
	"2.5.29.54":             true, // inhibitAnyPolicy
}

// checkAKID is X509_check_akid: 0 when the AKID does not rule out issuer,
// else the OpenSSL error.
func checkAKID(issuer *xcert, a *akid) int {
	if a == nil {
		return 0
	}
	if a.keyid != nil && issuer.skid != nil && string(a.keyid) != string(issuer.skid) {
		return errAKIDSKIDMismatch
	}
	if a.hasSer && string(trimInt(a.serial)) != string(trimInt(issuer.serial)) {
		return errAKIDIssuerSerialMismatch
	}
	if len(a.issuers) > 0 {
		for _, g := range a.issuers {
			if g.tag == 4 && g.dir.equal(issuer.issuer) {
				return 0
			}
		}
		return errAKIDIssuerSerialMismatch
	}
	return 0
}

func trimInt(b []byte) []byte {
	for len(b) > 1 && b[0] == 0 && b[1]&0x80 == 0 {
		b = b[1:]
	}
	return b
}

// keySecurityBits is EVP_PKEY_get_security_bits.
func keySecurityBits(pub any) int {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return bnSecurityBits(k.N.BitLen(), -1)
	case *dsa.PublicKey:
		return bnSecurityBits(k.P.BitLen(), k.Q.BitLen())
	case *ecdsa.PublicKey:
		return k.Curve.Params().N.BitLen() / 2
	case ed25519.PublicKey:
		return 128
	}
	return 0
}

func bnSecurityBits(l, n int) int {
	var secbits int
	switch {
	case l >= 15360:
		secbits = 256
	case l >= 7680:
		secbits = 192
	case l >= 3072:
		secbits = 128
	case l >= 2048:
		secbits = 112
	case l >= 1024:
		secbits = 80
	default:
		return 0
	}
	if n == -1 {
		return secbits
	}
	if n/2 < 80 {
		return 0
	}
	return min(secbits, n/2)
}

// timeAt is the time as OpenSSL reads it (X509_cmp_time's strict form:
// YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ), or false for a format error.
func (t asnTime) timeAt() (time.Time, bool) {
	s := t.s
	want := 13
	if t.tag == tagGenTime {
		want = 15
	}
	if len(s) != want || s[len(s)-1] != 'Z' {
		return time.Time{}, false
	}
	for _, c := range s[:len(s)-1] {
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
	}
	var year int
	if t.tag == tagUTCTime {
		yy, _ := strconv.Atoi(s[:2])
		year = 1900 + yy
		if yy < 50 {
			year = 2000 + yy
		}
		s = s[2:]
	} else {
		year, _ = strconv.Atoi(s[:4])
		s = s[4:]
	}
	num := func(i int) int { v, _ := strconv.Atoi(s[i : i+2]); return v }
	mo, d, h, mi, sec := num(0), num(2), num(4), num(6), num(8)
	if mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	if d > time.Date(year, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(mo), d, h, mi, sec, 0, time.UTC), true
}

// timeValid is ossl_x509_check_cert_time without a callback: notBefore at
// or before now, notAfter after now, both well formed.
func (x *xcert) timeValid(now time.Time) bool {
	nb, ok1 := x.notBefore.timeAt()
	na, ok2 := x.notAfter.timeAt()
	return ok1 && ok2 && !nb.After(now) && na.After(now)
}

// commonName is the first CN, for sentences.
func (x *xcert) commonName() string {
	if x.go509 != nil && x.go509.Subject.CommonName != "" {
		return x.go509.Subject.CommonName
	}
	for _, a := range x.subject.values("2.5.4.3") {
		if s, ok := toUTF8(a.tag, a.value); ok {
			return s
		}
	}
	return ""
}

// issuerName is the issuer's first CN, or its whole name, for sentences.
func (x *xcert) issuerName() string {
	for _, a := range x.issuer.values("2.5.4.3") {
		if s, ok := toUTF8(a.tag, a.value); ok {
			return s
		}
	}
	if x.go509 != nil {
		return x.go509.Issuer.String()
	}
	return "(no name)"
}

func describeKey(pub any) string { return pki.DescribePublicKey(pub) }
