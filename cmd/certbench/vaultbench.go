package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"certdesk/core/certinfo"
	"certdesk/core/onboard"
	"certdesk/core/peer"
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

// benchBulk issues 1,000 people with keys in the vault and a PKCS#12 each,
// against a shell script doing the same with the openssl CLI.
func benchBulk() ([]row, error) {
	dir, remove, err := tempDir("bulk")
	if err != nil {
		return nil, err
	}
	defer remove()
	const n = 1000
	var runs []time.Duration
	for round := range 3 {
		d, err := bulkRound(dir, round, n)
		if err != nil {
			return nil, err
		}
		runs = append(runs, d)
	}
	ours := median(runs)
	t, err := opensslBulk(dir, n)
	if err != nil {
		return nil, err
	}
	ratio := float64(t) / float64(ours)
	return []row{
		{what: "bulk: 1,000 people, keys in the vault + a PKCS#12 each", ours: fmt.Sprintf("%.2f s", ours.Seconds()),
			theirs: fmt.Sprintf("openssl script %.1f s", t.Seconds()), ratio: fmt.Sprintf("%.0f× faster", ratio),
			target: "≥ 20× and < 5 s", verdict: met(ratio >= 20 && ours < 5*time.Second)},
	}, nil
}

// bulkRound is the time onboard takes for n people read from CSV, in a new
// vault.
func bulkRound(dir string, round, n int) (d time.Duration, err error) {
	v, ca, err := newVault(filepath.Join(dir, fmt.Sprintf("bulk%d.db", round)), "Bulk CA")
	if err != nil {
		return 0, err
	}
	defer func() { err = errors.Join(err, v.Close()) }()
	var people strings.Builder
	for i := range n {
		fmt.Fprintf(&people, "Person %04d,p%04d@example.com\n", i, i)
	}
	start := time.Now()
	rows, err := onboard.ParseCSV(strings.NewReader(people.String()), pki.DefaultKeyType)
	if err != nil {
		return 0, err
	}
	rep, err := onboard.Run(ctx, v, ca, rows, onboard.Options{OutDir: filepath.Join(dir, fmt.Sprintf("p12-%d", round))})
	if err != nil {
		return 0, err
	}
	if rep.Issued != n {
		return 0, fmt.Errorf("issued %d of %d", rep.Issued, n)
	}
	return time.Since(start), nil
}

// opensslScriptTimeout bounds the openssl script: 1,000 people take it a
// minute or two.
const opensslScriptTimeout = 20 * time.Minute

// opensslBulk is the time the openssl script takes for n people.
func opensslBulk(dir string, n int) (time.Duration, error) {
	script, work := filepath.Join(dir, "bulk.sh"), filepath.Join(dir, "openssl")
	if err := os.WriteFile(script, []byte(opensslScript), 0o700); err != nil {
		return 0, err
	}
	if err := os.MkdirAll(work, 0o700); err != nil {
		return 0, err
	}
	start := time.Now()
	if out, err := peer.Run(exec.Command("bash", script, work, strconv.Itoa(n)), opensslScriptTimeout); err != nil {
		return 0, fmt.Errorf("openssl script: %w: %s", err, out)
	}
	return time.Since(start), nil
}

const opensslScript = `#!/usr/bin/env bash
# What an admin writes without Certdesk: one CA, then per person a key, a
# CSR, a signed certificate and a PKCS#12 file with its own password.
set -euo pipefail
cd "$1"; n="$2"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key 2>/dev/null
openssl req -x509 -new -key ca.key -subj "/CN=Script CA" -days 3650 -out ca.crt \
  -addext basicConstraints=critical,CA:TRUE,pathlen:0 -addext keyUsage=critical,keyCertSign,cRLSign
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > ext.cnf
for i in $(seq -w 1 "$n"); do
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p$i.key 2>/dev/null
  openssl req -new -key p$i.key -subj "/CN=Person $i" -out p$i.csr
  openssl x509 -req -in p$i.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 -extfile ext.cnf -out p$i.crt 2>/dev/null
  pass=$(openssl rand -hex 12)
  openssl pkcs12 -export -inkey p$i.key -in p$i.crt -certfile ca.crt -passout pass:$pass -out p$i.p12 \
    -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1
done
`
