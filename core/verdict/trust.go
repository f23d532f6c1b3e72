package verdict

import (
	"crypto/x509"
	"strings"
	"time"

	"certdesk/core/pki"
)

// Revocation is why and when a certificate was revoked.
type Revocation struct {
	Reason string
	Time   time.Time
}

// Trust is what a judge relies on: the trusted CAs and the revocation state.
// It is immutable once built, so a server can swap it atomically and judge
// with it from many goroutines.
type Trust struct {
	cas     []*x509.Certificate
	serials *revocations // by issuer public-key hash + "/" + serial hex
	prints  *revocations // by SHA-256 fingerprint, colon hex
	// Changes layered over the maps above by With, so that a revocation
	// among 100,000 needs no copy of them; nil means "no longer revoked".
	serialDelta map[string]*Revocation
	printDelta  map[string]*Revocation
	// OpenSSL's view of the CAs, by canonical subject name.
	byCanon map[string][]*xcert
	// CRLs, as nginx's ssl_crl holds them: with any CRL loaded, every
	// certificate of a chain needs a CRL from its issuer.
	crls     []*xcrl
	crlCheck bool
	vdepth   int
	// required, when set, are the CAs a verified chain must pass through
	// (RequireIssuer).
	required []*x509.Certificate
}

// DefaultDepth is the verify depth the deploy kit writes (nginx's
// ssl_verify_depth 2): at most two intermediates between the client's
// certificate and the trusted root.
const DefaultDepth = 2

// Change is one revocation state to layer over a Trust: Revoked nil means
// the certificate is no longer revoked.
type Change struct {
	Issuer      *x509.Certificate // with SerialHex: a vault certificate
	SerialHex   string
	Fingerprint string // or: a certificate denied by its SHA-256 fingerprint
	Revoked     *Revocation
}

// With returns a new Trust with the changes layered over this one. The
// receiver is not modified; lookups stay O(1).
func (t *Trust) With(changes []Change) *Trust {
	n := *t
	n.serialDelta = make(map[string]*Revocation, len(t.serialDelta)+len(changes))
	n.printDelta = make(map[string]*Revocation, len(t.printDelta))
	for k, v := range t.serialDelta {
		n.serialDelta[k] = v
	}
	for k, v := range t.printDelta {
		n.printDelta[k] = v
	}
	for _, c := range changes {
		if c.Fingerprint != "" {
			if fp, err := pki.ParseFingerprintSHA256(c.Fingerprint); err == nil {
				n.printDelta[fp] = c.Revoked
			}
			continue
		}
		if c.Issuer != nil {
			n.serialDelta[serialKey(c.Issuer, c.SerialHex)] = c.Revoked
		}
	}
	return &n
}

// Layered is the number of changes layered by With since the Trust was built.
func (t *Trust) Layered() int { return len(t.serialDelta) + len(t.printDelta) }

// NewTrust builds a Trust from CA certificates, as nginx's
// ssl_client_certificate holds them: a chain must end in one of them that
// is self-signed (an intermediate here without its root is not enough),
// with verify depth DefaultDepth and no CRLs.
func NewTrust(cas []*x509.Certificate) *Trust {
	t := &Trust{
		serials: newRevocations(), prints: newRevocations(),
		byCanon: map[string][]*xcert{}, vdepth: DefaultDepth}
	for _, c := range cas {
		t.cas = append(t.cas, c)
		if x, err := parseCached(c.Raw); err == nil {
			t.byCanon[string(x.subject.canon)] = append(t.byCanon[string(x.subject.canon)], x)
		}
	}
	return t
}

// anchors are the trusted CAs whose subject is n (X509_NAME_cmp).
func (t *Trust) anchors(n name) []*xcert { return t.byCanon[string(n.canon)] }

func (t *Trust) depth() int { return t.vdepth }

// WithDepth returns a copy of the trust with another verify depth (the
// meaning of nginx's ssl_verify_depth: intermediates allowed between the
// client's certificate and the trusted root).
func (t *Trust) WithDepth(depth int) *Trust {
	n := *t
	n.vdepth = max(depth, 0)
	return &n
}

// AddCRL loads a CRL (DER) as nginx's ssl_crl does: from then on every
// certificate of a chain must be covered by a current CRL of its issuer.
// Call it only while building.
func (t *Trust) AddCRL(der []byte) error {
	c, err := parseCRL(der)
	if err != nil {
		return err
	}
	t.crls = append(t.crls, c)
	t.crlCheck = true
	return nil
}

// CRLs is the number of CRLs loaded with AddCRL.
func (t *Trust) CRLs() int { return len(t.crls) }

// CAs returns the trusted CA certificates.
func (t *Trust) CAs() []*x509.Certificate { return t.cas }

// RevokeSerial records that the certificate with this serial, issued by the
// CA whose certificate is issuer, is revoked. Call it only while building.
func (t *Trust) RevokeSerial(issuer *x509.Certificate, serialHex string, r Revocation) {
	t.serials.put(serialKey(issuer, serialHex), r)
}

// RevokeFingerprint records a denied certificate by its SHA-256 fingerprint
// (any common form). Call it only while building.
func (t *Trust) RevokeFingerprint(fingerprint string, r Revocation) error {
	fp, err := pki.ParseFingerprintSHA256(fingerprint)
	if err != nil {
		return err
	}
	t.prints.put(fp, r)
	return nil
}

// Revocations is the number of revocation entries held.
func (t *Trust) Revocations() int { return t.serials.len() + t.prints.len() }

func serialKey(issuer *x509.Certificate, serialHex string) string {
	return issuerSerialKey(pki.CertificateKeySHA256(issuer), serialHex)
}

// issuerSerialKey is serialKey for the issuer's key hash.
func issuerSerialKey(issuerKeySHA256, serialHex string) string {
	return issuerKeySHA256 + "/" + strings.ToUpper(serialHex)
}

func (t *Trust) revokedSerial(issuer, leaf *x509.Certificate) (Revocation, bool) {
	return lookupRevocation(t.serialDelta, t.serials, serialKey(issuer, pki.SerialHex(leaf.SerialNumber)))
}

// lookupRevocation finds key in the delta first (nil there: taken off the
// list since), then in the base state.
func lookupRevocation(delta map[string]*Revocation, base *revocations, key string) (Revocation, bool) {
	if d, ok := delta[key]; ok {
		if d == nil {
			return Revocation{}, false
		}
		return *d, true
	}
	return base.get(key)
}

func (t *Trust) revokedSerialX(issuer, leaf *xcert) (Revocation, bool) {
	if issuer.go509 == nil || leaf.go509 == nil || leaf.go509.SerialNumber == nil {
		return Revocation{}, false
	}
	return lookupRevocation(t.serialDelta, t.serials, issuerSerialKey(issuer.keySHA256(), pki.SerialHex(leaf.go509.SerialNumber)))
}

func (t *Trust) revokedFingerprint(fp string) (Revocation, bool) {
	return lookupRevocation(t.printDelta, t.prints, fp)
}

// Only returns a copy of the trust that keeps ca as the sole trust anchor,
// with the same revocation state.
func (t *Trust) Only(ca *x509.Certificate) *Trust {
	n := NewTrust([]*x509.Certificate{ca})
	n.crls, n.crlCheck, n.vdepth = t.crls, t.crlCheck, t.vdepth
	n.serials, n.prints, n.serialDelta, n.printDelta = t.serials, t.prints, t.serialDelta, t.printDelta
	return n
}

// RevocationOf says whether leaf is revoked in this trust: by serial when
// issuer (the CA that signed it) is given, else or also by fingerprint.
func (t *Trust) RevocationOf(leaf, issuer *x509.Certificate) (Revocation, bool) {
	if issuer != nil {
		if r, ok := t.revokedSerial(issuer, leaf); ok {
			return r, true
		}
	}
	return t.revokedFingerprint(pki.FingerprintSHA256(leaf.Raw))
}
