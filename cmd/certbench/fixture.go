package main

import (
	"crypto"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"certdesk/core/export"
	"certdesk/core/pki"
)

// writeTLSFixture writes what every server and the load generator of the
// handshake benchmark read: a CA, a server and a client certificate with
// their keys, 100,000 revoked serials and the CRL holding them.
func writeTLSFixture(dir string) error {
	now := time.Now()
	caIssued, err := pki.NewCA(pki.CARequest{Name: pki.Name{CommonName: "Bench CA"}}, now)
	if err != nil {
		return err
	}
	ca := pki.Authority{Cert: caIssued.Cert, Key: caIssued.Key}
	server, err := ca.IssueServer(pki.ServerRequest{DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}, now)
	if err != nil {
		return err
	}
	client, err := ca.IssuePerson(pki.PersonRequest{Name: pki.Name{CommonName: "Bench Client"}}, now)
	if err != nil {
		return err
	}
	entries, err := revokedEntries(revocations, now)
	if err != nil {
		return err
	}
	crl, err := ca.SignCRL(pki.CRLRequest{Number: big.NewInt(1), ThisUpdate: now, NextUpdate: now.Add(24 * time.Hour), Entries: entries})
	if err != nil {
		return err
	}
	var serials strings.Builder
	for _, e := range entries {
		serials.WriteString(pki.SerialHex(e.Serial) + "\n")
	}
	files := map[string][]byte{
		"ca.pem": pki.EncodeCertPEM(ca.Cert), "server.pem": pki.EncodeCertPEM(server.Cert), "client.pem": pki.EncodeCertPEM(client.Cert),
		"revoked.txt": []byte(serials.String()), "crl.pem": pki.EncodeCRLPEM(crl),
	}
	for name, key := range map[string]crypto.Signer{"ca.key": caIssued.Key, "server.key": server.Key, "client.key": client.Key} {
		if files[name], err = export.KeyPEM(key, ""); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// revokedEntries makes n revocations of random serials at now.
func revokedEntries(n int, now time.Time) ([]pki.Revoked, error) {
	entries := make([]pki.Revoked, 0, n)
	for range n {
		s, err := pki.NewSerial()
		if err != nil {
			return nil, fmt.Errorf("a serial for the revocation list: %w", err)
		}
		entries = append(entries, pki.Revoked{Serial: s, Time: now, Reason: 1})
	}
	return entries, nil
}
