package pki

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"hash"
	"math/big"
	"unicode/utf16"
)

// A shrouded key can hide inside an encrypted part, where its iteration
// count shows only once the part is decrypted. The part's own count is
// within the cap by then, so Certdesk decrypts it (PBES2 with AES, or the
// PKCS#12 3DES scheme; RC2 parts are left to the decoder) and checks the
// key's count before go-pkcs12 derives anything from it.

var (
	oidPBEWithSHA3DES = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}
	oidPBKDF2         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA1       = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA256     = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA512     = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
)

// checkEncryptedPart decrypts one encrypted part with the password and
// checks the shrouded keys inside; a part it cannot decrypt is left to the
// decoder.
func checkEncryptedPart(alg pkix.AlgorithmIdentifier, data []byte, password string) error {
	plain := decryptPart(alg, data, password)
	if plain == nil {
		return nil
	}
	var bags []p12SafeBag
	if _, err := asn1.Unmarshal(plain, &bags); err != nil {
		return nil
	}
	return checkBags(bags)
}

func decryptPart(alg pkix.AlgorithmIdentifier, data []byte, password string) []byte {
	var block cipher.Block
	var iv []byte
	switch {
	case alg.Algorithm.Equal(oidPBES2):
		block, iv = pbes2Cipher(alg, password)
	case alg.Algorithm.Equal(oidPBEWithSHA3DES):
		var p pbeParams
		if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &p); err != nil || p.Iterations > iterationCap {
			return nil
		}
		// The empty password is tried as the decoder tries it: as a
		// BMPString's terminator, then as nothing.
		for _, pw := range [][]byte{bmpZeroTerminated(password), nil} {
			key := pkcs12KDF(p.Salt, pw, p.Iterations, 1, 24)
			b, err := des.NewTripleDESCipher(key)
			if err != nil {
				return nil
			}
			if plain := cbcDecrypt(b, pkcs12KDF(p.Salt, pw, p.Iterations, 2, 8), data); plain != nil || password != "" {
				return plain
			}
		}
		return nil
	}
	if block == nil {
		return nil
	}
	return cbcDecrypt(block, iv, data)
}

func pbes2Cipher(alg pkix.AlgorithmIdentifier, password string) (cipher.Block, []byte) {
	var p pbes2Params
	if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &p); err != nil || !p.KDF.Algorithm.Equal(oidPBKDF2) {
		return nil, nil
	}
	var kdf pbkdf2Params
	if _, err := asn1.Unmarshal(p.KDF.Parameters.FullBytes, &kdf); err != nil || kdf.Iterations > iterationCap || kdf.Iterations < 1 {
		return nil, nil
	}
	var salt []byte
	if _, err := asn1.Unmarshal(kdf.Salt.FullBytes, &salt); err != nil {
		return nil, nil
	}
	prf := map[string]func() hash.Hash{oidHMACSHA1.String(): sha1.New, oidHMACSHA256.String(): sha256.New, oidHMACSHA512.String(): sha512.New}
	h := sha1.New
	if len(kdf.PRF.Algorithm) > 0 {
		if h = prf[kdf.PRF.Algorithm.String()]; h == nil {
			return nil, nil
		}
	}
	size := map[string]int{oidAES128CBC.String(): 16, oidAES192CBC.String(): 24, oidAES256CBC.String(): 32}[p.Scheme.Algorithm.String()]
	var iv []byte
	if _, err := asn1.Unmarshal(p.Scheme.Parameters.FullBytes, &iv); err != nil || size == 0 || len(iv) != aes.BlockSize {
		return nil, nil
	}
	key, err := pbkdf2.Key(h, password, salt, kdf.Iterations, size)
	if err != nil {
		return nil, nil
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, nil
	}
	return block, iv
}

// cbcDecrypt decrypts and unpads; nil when the padding is wrong (the
// password is wrong).
func cbcDecrypt(block cipher.Block, iv, data []byte) []byte {
	bs := block.BlockSize()
	if len(data) == 0 || len(data)%bs != 0 || len(iv) != bs {
		return nil
	}
	out := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, data)
	pad := int(out[len(out)-1])
	if pad == 0 || pad > bs || !bytes.Equal(out[len(out)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return nil
	}
	return out[:len(out)-pad]
}

func bmpZeroTerminated(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return append(b, 0, 0)
}

// pkcs12KDF is the key derivation of RFC 7292, appendix B.2, with SHA-1
// (u = 20, v = 64 bytes).
func pkcs12KDF(salt, password []byte, iterations int, id byte, size int) []byte {
	const u, v = 20, 64
	fill := func(p []byte) []byte {
		if len(p) == 0 {
			return nil
		}
		n := v * ((len(p) + v - 1) / v)
		return bytes.Repeat(p, (n+len(p)-1)/len(p))[:n]
	}
	D := bytes.Repeat([]byte{id}, v)
	I := append(fill(salt), fill(password)...)
	var out []byte
	one := big.NewInt(1)
	for len(out) < size {
		h := sha1.New()
		h.Write(D)
		h.Write(I)
		A := h.Sum(nil)
		for range iterations - 1 {
			s := sha1.Sum(A)
			A = s[:]
		}
		out = append(out, A...)
		B := new(big.Int).SetBytes(fill(A))
		for j := 0; j < len(I); j += v {
			Ij := new(big.Int).SetBytes(I[j : j+v])
			Ij.Add(Ij, B).Add(Ij, one)
			b := Ij.Bytes()
			if len(b) > v {
				b = b[len(b)-v:]
			}
			copy(I[j:j+v], make([]byte, v))
			copy(I[j+v-len(b):j+v], b)
		}
	}
	return out[:size]
}
