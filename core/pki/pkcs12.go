package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// MaxPKCS12Iterations caps the key-derivation iterations a PKCS#12 file may
// declare, for its MAC and for each encrypted part. Every tool we know
// writes far fewer (OpenSSL and Go 2,048; Windows 2,000; Java 10,000); a
// file asking for 2^31 would keep a decoder busy for minutes per password.
// At the cap a decode takes about a second.
const MaxPKCS12Iterations = 1_000_000

// iterationCap is MaxPKCS12Iterations; the fuzz target lowers it, so that
// each input is checked in milliseconds.
var iterationCap = MaxPKCS12Iterations

// ErrTooManyIterations is returned for a PKCS#12 file declaring more
// iterations than MaxPKCS12Iterations.
var ErrTooManyIterations = errors.New("the PKCS#12 file asks for more key-derivation iterations than Certdesk allows")

// DecodePKCS12Chain decodes a PKCS#12 file as go-pkcs12's DecodeChain
// does, after refusing one whose iteration counts exceed the cap.
func DecodePKCS12Chain(data []byte, password string) (any, *x509.Certificate, []*x509.Certificate, error) {
	if err := CheckPKCS12Iterations(data, password); err != nil {
		return nil, nil, nil, err
	}
	return pkcs12.DecodeChain(data, password)
}

// DecodePKCS12TrustStore decodes a PKCS#12 file of certificates only, after
// the same check.
func DecodePKCS12TrustStore(data []byte, password string) ([]*x509.Certificate, error) {
	if err := CheckPKCS12Iterations(data, password); err != nil {
		return nil, err
	}
	return pkcs12.DecodeTrustStore(data, password)
}

// ASN.1 of PKCS#12 (RFC 7292) and PKCS#5 (RFC 8018), as far as the
// iteration counts are concerned; go-pkcs12 reads the same structures.
type (
	p12PFX struct {
		Version  int
		AuthSafe p12ContentInfo
		MacData  p12MacData `asn1:"optional"`
	}
	p12ContentInfo struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue `asn1:"tag:0,explicit,optional"`
	}
	p12MacData struct {
		Mac struct {
			Algorithm pkix.AlgorithmIdentifier
			Digest    []byte
		}
		MacSalt    []byte
		Iterations int `asn1:"optional,default:1"`
	}
	p12EncryptedData struct {
		Version int
		Info    struct {
			ContentType asn1.ObjectIdentifier
			Algorithm   pkix.AlgorithmIdentifier
			Content     []byte `asn1:"tag:0,optional"`
		}
	}
	p12SafeBag struct {
		ID         asn1.ObjectIdentifier
		Value      asn1.RawValue `asn1:"tag:0,explicit"`
		Attributes asn1.RawValue `asn1:"optional"`
	}
	p12ShroudedKey struct {
		Algorithm pkix.AlgorithmIdentifier
		Data      []byte
	}
	pbeParams struct {
		Salt       []byte
		Iterations int
	}
	pbes2Params struct {
		KDF, Scheme pkix.AlgorithmIdentifier
	}
	pbkdf2Params struct {
		Salt       asn1.RawValue
		Iterations int
		KeyLength  int                      `asn1:"optional"`
		PRF        pkix.AlgorithmIdentifier `asn1:"optional"`
	}
)

var (
	oidData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidEncryptedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}
	oidShroudedKey   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidPBES2         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBMAC1        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 14}
)

// CheckPKCS12Iterations refuses a PKCS#12 file that declares more than
// MaxPKCS12Iterations for its MAC, an encrypted part or a shrouded key,
// before any key is derived from a count over the cap. A shrouded key
// inside an encrypted part shows its count only once the part is
// decrypted (with the password, at a count within the cap). A file it
// cannot follow is left to the decoder, which reads the same structures
// and fails on them before deriving anything from them.
func CheckPKCS12Iterations(data []byte, password string) error {
	var pfx p12PFX
	if rest, err := asn1.Unmarshal(data, &pfx); err != nil || len(rest) != 0 {
		return nil
	}
	if alg := pfx.MacData.Mac.Algorithm; len(alg.Algorithm) > 0 {
		n := pfx.MacData.Iterations
		if alg.Algorithm.Equal(oidPBMAC1) {
			var p pbes2Params // PBMAC1-params: the KDF first, then the MAC
			if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &p); err == nil {
				n = pbkdf2Iterations(p.KDF)
			}
		}
		if err := capped("its MAC", n); err != nil {
			return err
		}
	}
	var octets []byte
	if _, err := asn1.Unmarshal(pfx.AuthSafe.Content.Bytes, &octets); err != nil {
		return nil
	}
	var safe []p12ContentInfo
	if _, err := asn1.Unmarshal(octets, &safe); err != nil {
		return nil
	}
	for i, ci := range safe {
		var err error
		switch {
		case ci.ContentType.Equal(oidEncryptedData):
			var ed p12EncryptedData
			if _, uerr := asn1.Unmarshal(ci.Content.Bytes, &ed); uerr == nil {
				err = capped(fmt.Sprintf("encrypted part %d", i+1), algorithmIterations(ed.Info.Algorithm))
				if err == nil {
					err = checkEncryptedPart(ed.Info.Algorithm, ed.Info.Content, password)
				}
			}
		case ci.ContentType.Equal(oidData):
			err = checkPlainBags(ci.Content.Bytes)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func checkPlainBags(content []byte) error {
	var octets []byte
	if _, err := asn1.Unmarshal(content, &octets); err != nil {
		return nil
	}
	var bags []p12SafeBag
	if _, err := asn1.Unmarshal(octets, &bags); err != nil {
		return nil
	}
	return checkBags(bags)
}

// checkBags checks the shrouded keys among bags.
func checkBags(bags []p12SafeBag) error {
	for _, b := range bags {
		if !b.ID.Equal(oidShroudedKey) {
			continue
		}
		var k p12ShroudedKey
		if _, err := asn1.Unmarshal(b.Value.Bytes, &k); err == nil {
			if err := capped("its private key", algorithmIterations(k.Algorithm)); err != nil {
				return err
			}
		}
	}
	return nil
}

// algorithmIterations reads the iterations of a PKCS#12 PBE algorithm or
// of PBES2's PBKDF2; 0 when there are none to read.
func algorithmIterations(alg pkix.AlgorithmIdentifier) int {
	if alg.Algorithm.Equal(oidPBES2) {
		var p pbes2Params
		if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &p); err != nil {
			return 0
		}
		return pbkdf2Iterations(p.KDF)
	}
	var p pbeParams
	if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &p); err != nil {
		return 0
	}
	return p.Iterations
}

func pbkdf2Iterations(kdf pkix.AlgorithmIdentifier) int {
	var p pbkdf2Params
	if _, err := asn1.Unmarshal(kdf.Parameters.FullBytes, &p); err != nil {
		return 0
	}
	return p.Iterations
}

func capped(what string, n int) error {
	if n > iterationCap {
		return fmt.Errorf("%w: %s declares %d, the cap is %d (no common tool writes more than 10,000)", ErrTooManyIterations, what, n, iterationCap)
	}
	return nil
}
