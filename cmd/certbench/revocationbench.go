package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"certdesk/core/engine"
	"certdesk/core/mtls"
	"certdesk/core/pki"
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

// revocationToRefusal is the median time, over 9 revocations, from
// `revoke` on one vault handle to the first refused handshake on a server
// that reads another handle, in a vault with others revocations already.
func revocationToRefusal(others int) (time.Duration, error) {
	dir, remove, err := tempDir("revoke")
	if err != nil {
		return 0, err
	}
	defer remove()
	path := filepath.Join(dir, "v.db")
	ca, _, err := buildVault(path, others)
	if err != nil {
		return 0, err
	}
	admin, err := engine.OpenUnlocked(path, nil)
	if err != nil {
		return 0, err
	}
	defer func() { warnOnError("closing the vault", admin.Close()) }()
	if err := revokeEveryone(admin, ca, others); err != nil {
		return 0, err
	}
	person, err := admin.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Revocation Rob"}})
	if err != nil {
		return 0, err
	}
	clientCert, err := admin.TLSCertificate(ctx, person.ID)
	if err != nil {
		return 0, err
	}
	serverVault, err := engine.OpenUnlocked(path, nil)
	if err != nil {
		return 0, err
	}
	defer func() { warnOnError("closing the server's vault", serverVault.Close()) }()
	server, stop, err := startReloadingServer(serverVault, ca)
	if err != nil {
		return 0, err
	}
	defer stop()
	probe := verdictProbe{addr: server.Addr().String(), cert: clientCert, server: server, vault: serverVault}
	var runs []time.Duration
	for range 9 {
		start := time.Now()
		if _, err := admin.Revoke(ctx, person.ID, 1); err != nil {
			return 0, err
		}
		if err := probe.waitFor(verdict.Revoked); err != nil {
			return 0, err
		}
		runs = append(runs, time.Since(start))
		if _, err := admin.Unrevoke(ctx, person.ID); err != nil {
			return 0, err
		}
		if err := probe.waitFor(verdict.OK); err != nil {
			return 0, err
		}
	}
	return median(runs), nil
}

// revokeEveryone revokes the n people buildVault issued, if any.
func revokeEveryone(v *engine.Engine, ca engine.CA, n int) error {
	if n == 0 {
		return nil
	}
	recs, err := v.List(ctx, engine.Filter{CAID: ca.ID, Kind: engine.KindClient})
	if err != nil {
		return err
	}
	ids := make([]int64, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	_, err = v.RevokeMany(ctx, ids, 5)
	return err
}

// startReloadingServer starts our test server on a free loopback port with
// the CA's trust, kept fresh from v as the app and certctl serve keep it.
func startReloadingServer(v *engine.Engine, ca engine.CA) (*mtls.Server, func(), error) {
	rec, err := v.EnsureTestServerCertificate(ctx, ca)
	if err != nil {
		return nil, nil, err
	}
	serverCert, err := v.TLSCertificate(ctx, rec.ID)
	if err != nil {
		return nil, nil, err
	}
	source := v.TrustSource(ca)
	trust, err := source.Trust(ctx)
	if err != nil {
		return nil, nil, err
	}
	server, err := mtls.Start(mtls.Config{Addr: "127.0.0.1:0", Certificate: *serverCert, Trust: trust})
	if err != nil {
		return nil, nil, err
	}
	runCtx, cancel := context.WithCancel(ctx)
	go mtls.KeepTrustFresh(runCtx, server, source, 0, func(err error) { fmt.Fprintln(os.Stderr, "reload:", err) })
	stop := func() {
		cancel()
		warnOnError("stopping the server", server.Close())
	}
	return server, stop, nil
}

// verdictProbe asks the server, as the client, what it thinks of it.
type verdictProbe struct {
	addr   string
	cert   *tls.Certificate
	server *mtls.Server
	vault  *engine.Engine // the server's, for CERTBENCH_DEBUG
}

func (p verdictProbe) verdict() (verdict.Code, error) {
	res, err := mtls.Try(ctx, p.addr, mtls.TryOptions{Certificate: p.cert})
	if err != nil || res.WhoAmI == nil {
		return "", fmt.Errorf("try: %v %s", err, res.Refused)
	}
	return res.WhoAmI.Verdict, nil
}

// waitFor asks until the server's verdict is want, for at most 10 s.
func (p verdictProbe) waitFor(want verdict.Code) error {
	for start := time.Now(); time.Since(start) < 10*time.Second; {
		got, err := p.verdict()
		if os.Getenv("CERTBENCH_DEBUG") != "" {
			st, stampErr := p.vault.TrustSource().Stamp(ctx)
			fmt.Fprintln(os.Stderr, "got", got, "want", want, "revocations", p.server.Trust().Revocations(), "stamp", st, stampErr)
		}
		if err != nil {
			return err
		}
		if got == want {
			return nil
		}
	}
	return fmt.Errorf("still not %s after 10 s", want)
}
