package verdict

import (
	"errors"
	"fmt"
	"time"
)

// Files are the inputs of a verification without a vault, as `openssl
// verify` takes them: the chain to judge (PEM or DER, leaf first, more
// certificates after it are sent along), extra untrusted certificates,
// the trusted CAs, CRLs and the verify depth.
type Files struct {
	Cert      []byte
	Untrusted []byte
	Trust     []byte
	CRLs      [][]byte
	Depth     int
}

// ErrNoTrust is returned when Files has no trusted CA.
var ErrNoTrust = errors.New("no trusted CA given")

// JudgeFiles judges Files as nginx with those files would. Unreadable
// certificates to judge give the malformed verdict, not an error; an
// unreadable trust file or CRL is an error.
func JudgeFiles(f Files, now time.Time) (Result, error) {
	if len(f.Trust) == 0 {
		return Result{}, ErrNoTrust
	}
	chain, err := ParseChain(f.Cert)
	if err != nil {
		return Result{}, fmt.Errorf("certificate: %w", err)
	}
	if len(f.Untrusted) > 0 {
		more, err := ParseChain(f.Untrusted)
		if err != nil {
			return Result{}, fmt.Errorf("untrusted certificates: %w", err)
		}
		chain = append(chain, more...)
	}
	trust, err := LoadTrust(f.Trust, nil, f.Depth)
	if err != nil {
		return Result{}, err
	}
	for i, c := range f.CRLs {
		for _, d := range crlBlocks(c) {
			if err := trust.AddCRL(d); err != nil {
				return Result{}, fmt.Errorf("CRL file %d: %w", i+1, err)
			}
		}
	}
	return Judge(chain, trust, now), nil
}
