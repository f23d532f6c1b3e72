package verdict

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
)

// goView is Go's parse of the certificate, for the identity a result
// shows; when Go refuses bytes OpenSSL reads (a PrintableString with an
// @, a negative serial, BER lengths, a non-DER time), a partial view from
// our own reading.
func goView(x *xcert) *x509.Certificate {
	if c, err := x509.ParseCertificate(x.raw); err == nil {
		return c
	}
	c := &x509.Certificate{Raw: x.raw, RawTBSCertificate: x.tbs, RawSubject: x.rawSubj, RawIssuer: x.rawIssuer,
		Version: x.version, PublicKey: x.pub, SerialNumber: intValue(x.serial)}
	c.Subject.FillFromRDNSequence(rdnSequence(x.subject))
	c.Issuer.FillFromRDNSequence(rdnSequence(x.issuer))
	if t, ok := x.notBefore.timeAt(); ok {
		c.NotBefore = t
	}
	if t, ok := x.notAfter.timeAt(); ok {
		c.NotAfter = t
	}
	return c
}

func intValue(b []byte) *big.Int {
	n := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return n
}

func rdnSequence(n name) *pkix.RDNSequence {
	var seq pkix.RDNSequence
	for _, a := range n.attrs {
		var oid asn1.ObjectIdentifier
		for _, p := range splitOID(a.oid) {
			oid = append(oid, p)
		}
		s, _ := toUTF8(a.tag, a.value)
		seq = append(seq, pkix.RelativeDistinguishedNameSET{{Type: oid, Value: s}})
	}
	return &seq
}

func splitOID(s string) []int {
	var out []int
	v := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			out = append(out, v)
			v = 0
			continue
		}
		v = v*10 + int(s[i]-'0')
	}
	return out
}
