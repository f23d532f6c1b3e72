package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"certdesk/core/mtls"
	"certdesk/core/pki"
	"certdesk/core/vault"
	"certdesk/core/verdict"
)

// benchRevocation measures the time from `revoke` (by another vault
// handle, as a second process would) to the first refused handshake of that
// certificate on a running server, with a small vault and with one holding
// 100,000 revoked certificates.
func benchRevocation() ([]row, error) {
	var rows []row
	for _, revoked := range []int{0, 100_000} {
		d, err := revocationToRefusal(revoked)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row{what: fmt.Sprintf("revoke → first refused handshake (vault with %d other revocations)", revoked),
			ours: ms(d), theirs: "nginx: needs a new CRL and a reload", target: "< 100 ms", verdict: met(d < 100*time.Millisecond)})
	}
	return rows, nil
}

func revocationToRefusal(others int) (time.Duration, error) {
	dir, err := os.MkdirTemp("", "certbench-revoke-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "v.db")
	ca, _, err := buildVault(path, others)
	if err != nil {
		return 0, err
	}
	admin, err := vault.OpenUnlocked(path, nil)
	if err != nil {
		return 0, err
	}
	defer admin.Close()
	if others > 0 {
		recs, err := admin.List(ctx, vault.Filter{CAID: ca.ID, Kind: vault.KindClient})
		if err != nil {
			return 0, err
		}
		ids := make([]int64, len(recs))
		for i, r := range recs {
			ids[i] = r.ID
		}
		if _, err := admin.RevokeMany(ctx, ids, 5); err != nil {
			return 0, err
		}
	}
	person, err := admin.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Revocation Rob"}})
	if err != nil {
		return 0, err
	}
	clientCert, err := admin.TLSCertificate(ctx, person.ID)
	if err != nil {
		return 0, err
	}

	serverVault, err := vault.OpenUnlocked(path, nil)
	if err != nil {
		return 0, err
	}
	defer serverVault.Close()
	rec, err := serverVault.TestServerCertificate(ctx, ca)
	if err != nil {
		return 0, err
	}
	serverCert, err := serverVault.TLSCertificate(ctx, rec.ID)
	if err != nil {
		return 0, err
	}
	source := vault.NewTrustSource(serverVault, ca)
	trust, err := source.Trust(ctx)
	if err != nil {
		return 0, err
	}
	server, err := mtls.Start(mtls.Config{Addr: "127.0.0.1:0", Certificate: *serverCert, Trust: trust})
	if err != nil {
		return 0, err
	}
	defer server.Close()
	runCtx, cancel := contextWithCancel()
	defer cancel()
	go mtls.KeepTrustFresh(runCtx, server, source, 0, func(err error) { fmt.Fprintln(os.Stderr, "reload:", err) })

	addr := server.Addr().String()
	verdictNow := func() (verdict.Code, error) {
		res, err := mtls.Try(ctx, addr, mtls.TryOptions{Certificate: clientCert})
		if err != nil || res.WhoAmI == nil {
			return "", fmt.Errorf("try: %v %s", err, res.Refused)
		}
		return res.WhoAmI.Verdict, nil
	}
	waitFor := func(want verdict.Code) (time.Duration, error) {
		start := time.Now()
		for time.Since(start) < 10*time.Second {
			got, err := verdictNow()
			if os.Getenv("CERTBENCH_DEBUG") != "" {
				st, _ := serverVault.Stamp(ctx)
				fmt.Fprintln(os.Stderr, "got", got, "want", want, "revocations", server.Trust().Revocations(), "stamp", st)
			}
			if err != nil {
				return 0, err
			}
			if got == want {
				return time.Since(start), nil
			}
		}
		return 0, fmt.Errorf("still not %s after 10 s", want)
	}
	var runs []time.Duration
	for range 9 {
		start := time.Now()
		if _, err := admin.Revoke(ctx, person.ID, 1); err != nil {
			return 0, err
		}
		if _, err := waitFor(verdict.Revoked); err != nil {
			return 0, err
		}
		runs = append(runs, time.Since(start))
		if _, err := admin.Unrevoke(ctx, person.ID); err != nil {
			return 0, err
		}
		if _, err := waitFor(verdict.OK); err != nil {
			return 0, err
		}
	}
	return median(runs), nil
}

func contextWithCancel() (context.Context, context.CancelFunc) { return context.WithCancel(ctx) }
