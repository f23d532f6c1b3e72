package main

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"
)

// cryptoLimit is the µs one core needs for the public-key work of one mTLS
// handshake: one ECDSA P-256 signature, two verifications, an X25519 key
// exchange. Median of 5 runs.
func cryptoLimit() (float64, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return 0, fmt.Errorf("crypto limit: %w", err)
	}
	digest := sha256.Sum256([]byte("handshake transcript"))
	sig, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
	if err != nil {
		return 0, fmt.Errorf("crypto limit: %w", err)
	}
	peerKey, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return 0, fmt.Errorf("crypto limit: %w", err)
	}
	var runs []float64
	const n = 2000
	for range 5 {
		start := time.Now()
		for range n {
			if err := handshakeCrypto(key, digest[:], sig, peerKey.PublicKey()); err != nil {
				return 0, fmt.Errorf("crypto limit: %w", err)
			}
		}
		runs = append(runs, float64(time.Since(start).Microseconds())/n)
	}
	return medianF(runs), nil
}

var errBadSignature = errors.New("a signature did not verify")

// handshakeCrypto does the public-key work of one handshake.
func handshakeCrypto(key *ecdsa.PrivateKey, digest, sig []byte, peerPub *ecdh.PublicKey) error {
	if _, err := ecdsa.SignASN1(rand.Reader, key, digest); err != nil {
		return err
	}
	for range 2 {
		if !ecdsa.VerifyASN1(&key.PublicKey, digest, sig) {
			return errBadSignature
		}
	}
	k, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	_, err = k.ECDH(peerPub)
	return err
}
