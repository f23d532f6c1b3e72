package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"certdesk/core/onboard"
	"certdesk/core/peer"
	"certdesk/core/pki"
)

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
