package pki

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"certdesk/core/peer/peertest"
)

func p12Fixture(t testing.TB, enc *pkcs12.Encoder, password string) []byte {
	t.Helper()
	ca, err := NewCA(CARequest{Name: Name{CommonName: "Iter CA"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := (Authority{Cert: ca.Cert, Key: ca.Key}).IssuePerson(PersonRequest{Name: Name{CommonName: "Iter"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	data, err := enc.Encode(leaf.Key, leaf.Cert, nil, password)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// explicit0 wraps a DER element in a [0] EXPLICIT tag: encoding/asn1
// writes a RawValue's FullBytes as they are, ignoring the field's tag (and
// reads an explicit RawValue field as the [0] element itself).
func explicit0(t testing.TB, inner []byte) asn1.RawValue {
	return asn1.RawValue{FullBytes: mustMarshal(t, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: inner})}
}

// withIterations rewrites one iteration count of a PKCS#12 file: "mac",
// "certs" (the encrypted part) or "key" (the shrouded key bag). For the
// last two the MAC is dropped, as go-pkcs12 allows for an empty password:
// the file is then valid, and a decoder without a cap derives its keys.
func withIterations(t testing.TB, data []byte, where string, n int) []byte {
	t.Helper()
	var pfx p12PFX
	if _, err := asn1.Unmarshal(data, &pfx); err != nil {
		t.Fatal(err)
	}
	if where == "mac" {
		pfx.MacData.Iterations = n
		return mustMarshal(t, pfx)
	}
	var octets []byte
	asn1.Unmarshal(pfx.AuthSafe.Content.Bytes, &octets)
	var safe []p12ContentInfo
	if _, err := asn1.Unmarshal(octets, &safe); err != nil {
		t.Fatal(err)
	}
	setPBE := func(alg *pkix.AlgorithmIdentifier) {
		var p pbeParams
		if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &p); err != nil {
			t.Fatalf("%s: not a PKCS#12 PBE: %v", where, err)
		}
		p.Iterations = n
		alg.Parameters = asn1.RawValue{FullBytes: mustMarshal(t, p)}
	}
	for i, ci := range safe {
		switch {
		case where == "certs" && ci.ContentType.Equal(oidEncryptedData):
			var ed p12EncryptedData
			asn1.Unmarshal(ci.Content.Bytes, &ed)
			setPBE(&ed.Info.Algorithm)
			safe[i].Content = explicit0(t, mustMarshal(t, ed))
		case where == "key" && ci.ContentType.Equal(oidData):
			var inner []byte
			asn1.Unmarshal(ci.Content.Bytes, &inner)
			var bags []p12SafeBag
			asn1.Unmarshal(inner, &bags)
			for j, b := range bags {
				if b.ID.Equal(oidShroudedKey) {
					var k p12ShroudedKey
					asn1.Unmarshal(b.Value.Bytes, &k)
					setPBE(&k.Algorithm)
					bags[j].Value = explicit0(t, mustMarshal(t, k))
				}
			}
			safe[i].Content = explicit0(t, mustMarshal(t, mustMarshal(t, bags)))
		}
	}
	pfx.AuthSafe.Content = explicit0(t, mustMarshal(t, mustMarshal(t, safe)))
	pfx.MacData = p12MacData{}
	return mustMarshal(t, pfx)
}

// TestPKCS12IterationCap: a file declaring 2^31 iterations for its MAC, its
// encrypted certificates or its key is refused at once (without the cap
// go-pkcs12 would derive keys for minutes); openssl asn1parse confirms
// the file holds 2^31. Files within the cap decode.
func TestPKCS12IterationCap(t *testing.T) {
	openssl := peertest.Require(t, "openssl")
	legacy := p12Fixture(t, pkcs12.LegacyDES, "")
	for _, where := range []string{"mac", "certs", "key"} {
		t.Run(where, func(t *testing.T) {
			if where != "mac" { // the crafting itself keeps the file valid
				if _, _, _, err := DecodePKCS12Chain(withIterations(t, legacy, where, 2048), ""); err != nil {
					t.Fatalf("the crafted file with 2048 iterations does not decode: %v", err)
				}
			}
			data := withIterations(t, legacy, where, 1<<31)
			path := filepath.Join(t.TempDir(), "big.p12")
			os.WriteFile(path, data, 0o600)
			// The count is an INTEGER 80000000, parsed by openssl at the top
			// level or shown in the hex of a nested OCTET STRING.
			if out := peertest.Run(t, openssl, "asn1parse", "-inform", "DER", "-in", path); !strings.Contains(out, "INTEGER           :80000000") && !strings.Contains(out, "020500800000") {
				t.Fatalf("openssl does not see 2^31 iterations in the file:\n%s", out)
			}
			start := time.Now()
			_, _, _, err := DecodePKCS12Chain(data, "")
			if took := time.Since(start); took > 500*time.Millisecond {
				t.Errorf("refusing took %v", took)
			}
			if !errors.Is(err, ErrTooManyIterations) || !strings.Contains(err.Error(), "2147483648") {
				t.Fatalf("decode: %v, want ErrTooManyIterations naming the count", err)
			}
			if _, err := DecodePKCS12TrustStore(data, ""); !errors.Is(err, ErrTooManyIterations) {
				t.Errorf("trust store decode: %v", err)
			}
		})
	}
	for _, tt := range []struct {
		name string
		enc  *pkcs12.Encoder
	}{
		{"legacy 2048", pkcs12.LegacyDES},
		{"modern 2048", pkcs12.Modern2023},
		{"modern at the cap", pkcs12.Modern2023.WithIterations(MaxPKCS12Iterations)},
		{"PBMAC1 10000", pkcs12.Modern2026.WithIterations(10_000)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data := p12Fixture(t, tt.enc, "pw")
			start := time.Now()
			if _, _, _, err := DecodePKCS12Chain(data, "pw"); err != nil {
				t.Fatal(err)
			}
			t.Logf("decoded in %v", time.Since(start).Round(time.Millisecond))
		})
	}
	over := p12Fixture(t, pkcs12.Modern2026.WithIterations(MaxPKCS12Iterations+1), "pw")
	if err := CheckPKCS12Iterations(over, "pw"); !errors.Is(err, ErrTooManyIterations) {
		t.Errorf("PBMAC1 and PBES2 over the cap: %v", err)
	}
}

// nestKey moves the shrouded key bag of a MAC-less PKCS#12 file (password
// "") into an encrypted part of its own, encrypted with 2048 iterations
// of scheme ("3des" or "aes"), the key bag declaring keyIterations.
func nestKey(t testing.TB, data []byte, scheme string, keyIterations int) []byte {
	t.Helper()
	data = withIterations(t, data, "key", keyIterations)
	var pfx p12PFX
	asn1.Unmarshal(data, &pfx)
	var octets []byte
	asn1.Unmarshal(pfx.AuthSafe.Content.Bytes, &octets)
	var safe []p12ContentInfo
	asn1.Unmarshal(octets, &safe)
	for i, ci := range safe {
		if !ci.ContentType.Equal(oidData) {
			continue
		}
		var plain []byte
		asn1.Unmarshal(ci.Content.Bytes, &plain)
		salt := []byte("saltsalt")
		var block cipher.Block
		var iv []byte
		var ed p12EncryptedData
		ed.Info.ContentType = oidData
		switch scheme {
		case "3des":
			pw := bmpZeroTerminated("")
			block, _ = des.NewTripleDESCipher(pkcs12KDF(salt, pw, 2048, 1, 24))
			iv = pkcs12KDF(salt, pw, 2048, 2, 8)
			ed.Info.Algorithm = pkix.AlgorithmIdentifier{Algorithm: oidPBEWithSHA3DES, Parameters: asn1.RawValue{FullBytes: mustMarshal(t, pbeParams{Salt: salt, Iterations: 2048})}}
		case "aes":
			key, _ := pbkdf2.Key(sha256.New, "", salt, 2048, 32)
			block, _ = aes.NewCipher(key)
			iv = bytes.Repeat([]byte{7}, 16)
			kdf := pbkdf2Params{Salt: asn1.RawValue{FullBytes: mustMarshal(t, salt)}, Iterations: 2048,
				PRF: pkix.AlgorithmIdentifier{Algorithm: oidHMACSHA256, Parameters: asn1.NullRawValue}}
			params := pbes2Params{
				KDF:    pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2, Parameters: asn1.RawValue{FullBytes: mustMarshal(t, kdf)}},
				Scheme: pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: mustMarshal(t, iv)}},
			}
			ed.Info.Algorithm = pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: mustMarshal(t, params)}}
		}
		pad := block.BlockSize() - len(plain)%block.BlockSize()
		plain = append(plain, bytes.Repeat([]byte{byte(pad)}, pad)...)
		ed.Info.Content = make([]byte, len(plain))
		cipher.NewCBCEncrypter(block, iv).CryptBlocks(ed.Info.Content, plain)
		safe[i] = p12ContentInfo{ContentType: oidEncryptedData, Content: explicit0(t, mustMarshal(t, ed))}
	}
	pfx.AuthSafe.Content = explicit0(t, mustMarshal(t, mustMarshal(t, safe)))
	return mustMarshal(t, pfx)
}

// TestPKCS12NestedKeyCap: a key hidden in an encrypted part, declaring
// 2^31 iterations, is refused at once. With 2048 iterations the same
// crafting gives a file openssl reads (so the decryption that finds the
// count is right) and go-pkcs12 decodes.
func TestPKCS12NestedKeyCap(t *testing.T) {
	openssl := peertest.Require(t, "openssl")
	legacy := p12Fixture(t, pkcs12.LegacyDES, "")
	for _, scheme := range []string{"3des", "aes"} {
		t.Run(scheme, func(t *testing.T) {
			ok := nestKey(t, legacy, scheme, 2048)
			path := filepath.Join(t.TempDir(), "nested.p12")
			os.WriteFile(path, ok, 0o600)
			if out, err := peertest.Try(t, openssl, "pkcs12", "-in", path, "-passin", "pass:", "-nomacver", "-nodes", "-nocerts"); err != nil || !strings.Contains(out, "PRIVATE KEY") {
				t.Fatalf("openssl cannot read the crafted file: %v\n%s", err, out)
			}
			if _, _, _, err := DecodePKCS12Chain(ok, ""); err != nil {
				t.Fatalf("go-pkcs12 cannot decode the crafted file: %v", err)
			}
			start := time.Now()
			_, _, _, err := DecodePKCS12Chain(nestKey(t, legacy, scheme, 1<<31), "")
			if took := time.Since(start); took > 500*time.Millisecond {
				t.Errorf("refusing took %v", took)
			}
			if !errors.Is(err, ErrTooManyIterations) || !strings.Contains(err.Error(), "its private key declares 2147483648") {
				t.Fatalf("decode: %v, want ErrTooManyIterations for the key", err)
			}
		})
	}
}

// FuzzCheckPKCS12: any bytes and password are checked without a panic
// (the cap lowered to 4,096 so each input takes milliseconds).
func FuzzCheckPKCS12(f *testing.F) {
	legacy := p12Fixture(f, pkcs12.LegacyDES, "")
	f.Add(legacy, "")
	f.Add(p12Fixture(f, pkcs12.Modern2023, "pw"), "pw")
	f.Add(nestKey(f, legacy, "3des", 2048), "")
	f.Add(nestKey(f, legacy, "aes", 4096), "")
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x03}, "x")
	iterationCap = 4096 // milliseconds per input
	f.Cleanup(func() { iterationCap = MaxPKCS12Iterations })
	f.Fuzz(func(t *testing.T, data []byte, password string) {
		CheckPKCS12Iterations(data, password)
	})
}
