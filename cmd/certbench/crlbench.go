package main

import (
	"crypto/x509"
	"fmt"
	"math/big"
	"time"

	"certdesk/core/pki"
)

// benchCRL signs a CRL of 100,000 revocations and parses it back.
func benchCRL() ([]row, error) {
	now := time.Now()
	issued, err := pki.NewCA(pki.CARequest{Name: pki.Name{CommonName: "CRL CA"}}, now)
	if err != nil {
		return nil, err
	}
	ca := pki.Authority{Cert: issued.Cert, Key: issued.Key}
	entries, err := revokedEntries(revocations, now)
	if err != nil {
		return nil, err
	}
	var der []byte
	sign, err := repeat(5, func() error {
		var err error
		der, err = ca.SignCRL(pki.CRLRequest{Number: big.NewInt(1), ThisUpdate: now, NextUpdate: now.Add(30 * 24 * time.Hour), Entries: entries})
		return err
	})
	if err != nil {
		return nil, err
	}
	parse, err := repeat(5, func() error {
		crl, err := x509.ParseRevocationList(der)
		if err == nil && len(crl.RevokedCertificateEntries) != revocations {
			err = fmt.Errorf("parsed %d entries", len(crl.RevokedCertificateEntries))
		}
		if err == nil {
			err = crl.CheckSignatureFrom(ca.Cert)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return []row{
		{what: fmt.Sprintf("CRL of 100,000 revocations: sign (%.1f MB)", float64(len(der))/1e6), ours: ms(sign), target: "< 1 s", verdict: met(sign < time.Second)},
		{what: "CRL of 100,000 revocations: parse and verify", ours: ms(parse), target: "< 1 s", verdict: met(parse < time.Second)},
	}, nil
}
