package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"certdesk/core/certinfo"
	"certdesk/core/pki"
	"certdesk/core/vault"
)

var ctx = context.Background()

// newVault creates an insecure vault (no passphrase) with one CA.
func newVault(path, caName string) (*vault.Vault, vault.CA, error) {
	v, err := vault.Create(path, nil, vault.CreateOptions{Insecure: true})
	if err != nil {
		return nil, vault.CA{}, err
	}
	ca, err := v.CreateCA(ctx, caName, pki.CARequest{})
	if err != nil {
		return nil, ca, errors.Join(err, v.Close())
	}
	return v, ca, nil
}

// buildVault makes an insecure vault of n people under one CA.
func buildVault(path string, n int) (ca vault.CA, sample vault.Record, err error) {
	v, ca, err := newVault(path, "Scale CA")
	if err != nil {
		return ca, vault.Record{}, err
	}
	defer func() { err = errors.Join(err, v.Close()) }()
	for start := 0; start < n; start += 10000 {
		var reqs []pki.PersonRequest
		for i := start; i < min(n, start+10000); i++ {
			reqs = append(reqs, pki.PersonRequest{Name: pki.Name{CommonName: fmt.Sprintf("Person %06d", i)}, Emails: []string{fmt.Sprintf("person%06d@example.com", i)}})
		}
		rows, err := v.IssuePeople(ctx, ca, reqs, nil)
		if err != nil {
			return ca, sample, err
		}
		if start == 0 {
			sample = rows[len(rows)/2].Record
		}
	}
	return ca, sample, nil
}

// benchVault measures a vault of 100,000 certificates.
func benchVault() ([]row, error) {
	dir, remove, err := tempDir("vault")
	if err != nil {
		return nil, err
	}
	defer remove()
	path := filepath.Join(dir, "scale.db")
	const n = 100_000
	start := time.Now()
	ca, sample, err := buildVault(path, n)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "built a vault of %d people in %v\n", n, time.Since(start).Round(time.Millisecond))
	firstPage, err := repeat(7, func() error {
		v, err := vault.Open(path)
		if err != nil {
			return err
		}
		if _, err := v.Count(ctx, vault.Filter{CAID: ca.ID}); err != nil {
			return errors.Join(err, v.Close())
		}
		_, err = v.List(ctx, vault.Filter{CAID: ca.ID, Sort: vault.SortCommonName, Limit: 50})
		return errors.Join(err, v.Close())
	})
	if err != nil {
		return nil, err
	}
	v, err := vault.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { warnOnError("closing the vault", v.Close()) }()
	search, err := repeat(7, func() error {
		recs, err := v.List(ctx, vault.Filter{Search: "person 042421", Limit: 50})
		if err == nil && len(recs) != 1 {
			err = fmt.Errorf("search found %d", len(recs))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	lookup, err := repeat(101, func() error {
		_, err := v.Find(ctx, sample.FingerprintSHA256)
		return err
	})
	if err != nil {
		return nil, err
	}
	count, err := repeat(7, func() error {
		c, err := v.CountByStatus(ctx, 0)
		if err == nil && c[certinfo.Valid] != n+1 {
			err = fmt.Errorf("counted %v", c)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return []row{
		{what: "vault of 100,000: open + first page", ours: ms(firstPage), target: "< 100 ms", verdict: met(firstPage < 100*time.Millisecond)},
		{what: "vault of 100,000: search by name", ours: ms(search), target: "< 50 ms", verdict: met(search < 50*time.Millisecond)},
		{what: "vault of 100,000: lookup by fingerprint", ours: fmt.Sprintf("%.2f ms", float64(lookup.Microseconds())/1000), target: "< 1 ms", verdict: met(lookup < time.Millisecond)},
		{what: "vault of 100,000: count by status", ours: ms(count)},
	}, nil
}
