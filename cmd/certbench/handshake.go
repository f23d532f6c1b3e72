package main

import (
	"fmt"
	"os"

	"certdesk/core/peer"
)

// The handshake benchmark compares our server in explain mode with nginx
// (ssl_verify_client on, ssl_crl of the same 100,000 revocations) and with a
// bare Go tls.Server, one server core each, the same certificates and load
// generator, and measures the crypto limit in the same run.
const (
	revocations      = 100_000
	handshakeRounds  = 5
	handshakesPerRun = 3000
	loadConcurrency  = 8
	serverCore       = "0"
	loadCore         = "1"
)

// handshakeRound is one round's server CPU µs per handshake of each server,
// and the handshakes per second the load generator saw.
type handshakeRound struct {
	ours, bare, nginx, nginxNoCRL float64
	oursRate, nginxRate           float64
}

// contender is one server a round measures.
type contender struct {
	name       string
	command    func(addr string) ([]string, error) // the server's command line
	handshakes int
	cpu, rate  *float64 // where the round keeps its figures; rate may be nil
}

func benchHandshakes() ([]row, error) {
	if err := handshakePlatform(); err != nil {
		return nil, err
	}
	dir, remove, err := tempDir("tls")
	if err != nil {
		return nil, err
	}
	defer remove()
	if err := writeTLSFixture(dir); err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding certbench itself to start its child processes: %w", err)
	}
	var rounds []handshakeRound
	for i := range handshakeRounds {
		r, err := runHandshakeRound(self, dir)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(os.Stderr, "round %d: Certdesk %.0f µs, bare Go %.0f µs, nginx %.0f µs (without CRL %.0f µs) per handshake\n",
			i+1, r.ours, r.bare, r.nginx, r.nginxNoCRL)
		rounds = append(rounds, r)
	}
	limit, err := cryptoLimit()
	if err != nil {
		return nil, err
	}
	return handshakeRows(rounds, limit), nil
}

// runHandshakeRound measures each server once.
func runHandshakeRound(self, dir string) (handshakeRound, error) {
	var r handshakeRound
	ours := func(extra ...string) func(string) ([]string, error) {
		return func(addr string) ([]string, error) {
			return append([]string{self, "serve-ours", "-dir", dir, "-addr", addr}, extra...), nil
		}
	}
	nginx := func(withCRL bool) func(string) ([]string, error) {
		return func(addr string) ([]string, error) { return nginxCommand(dir, addr, withCRL) }
	}
	for _, c := range []contender{
		{"bare Go server", ours("-bare"), handshakesPerRun, &r.bare, nil},
		{"our server", ours(), handshakesPerRun, &r.ours, &r.oursRate},
		{"nginx", nginx(true), handshakesPerRun / 3, &r.nginx, &r.nginxRate},
		{"nginx without CRL", nginx(false), handshakesPerRun, &r.nginxNoCRL, nil},
	} {
		cpu, rate, err := measureContender(c, self, dir)
		if err != nil {
			return r, fmt.Errorf("%s: %w", c.name, err)
		}
		*c.cpu = cpu
		if c.rate != nil {
			*c.rate = rate
		}
	}
	return r, nil
}

// measureContender starts the server on its core, measures it and stops it.
func measureContender(c contender, self, dir string) (cpu, rate float64, err error) {
	addr, err := peer.FreeAddr()
	if err != nil {
		return 0, 0, err
	}
	argv, err := c.command(addr)
	if err != nil {
		return 0, 0, err
	}
	srv, err := peer.StartServer(pinned(serverCore, argv...), addr, peer.StartTimeout)
	if err != nil {
		return 0, 0, err
	}
	cpu, rate, err = measureServer(srv, self, addr, dir, c.handshakes)
	if stopErr := srv.Stop(); stopErr != nil && err == nil {
		err = stopErr
	}
	return cpu, rate, err
}

func handshakeRows(rounds []handshakeRound, limit float64) []row {
	figure := func(pick func(handshakeRound) float64) float64 {
		fs := make([]float64, len(rounds))
		for i, r := range rounds {
			fs[i] = pick(r)
		}
		return medianF(fs)
	}
	o, t := figure(func(r handshakeRound) float64 { return r.ours }), figure(func(r handshakeRound) float64 { return r.nginx })
	noCRL, floor := figure(func(r handshakeRound) float64 { return r.nginxNoCRL }), figure(func(r handshakeRound) float64 { return r.bare })
	oursRate, theirsRate := figure(func(r handshakeRound) float64 { return r.oursRate }), figure(func(r handshakeRound) float64 { return r.nginxRate })
	return []row{
		{what: "mTLS handshake, server CPU per handshake (P-256, X25519, 100,000 revocations)",
			ours: fmt.Sprintf("%.0f µs (%.0f/s per core)", o, 1e6/o), theirs: fmt.Sprintf("nginx %.0f µs (%.0f/s per core)", t, 1e6/t),
			ratio: fmt.Sprintf("%.2f× nginx", t/o), target: "≥ 2× nginx", verdict: met(t/o >= 2)},
		{what: "mTLS handshake vs the crypto limit (sign + 2 verifies + X25519)",
			ours: fmt.Sprintf("%.0f µs", o), theirs: fmt.Sprintf("limit %.0f µs", limit),
			ratio: fmt.Sprintf("%.0f%% of the limit", 100*limit/o), target: "≥ 80%", verdict: met(limit/o >= 0.8)},
		{what: "the same against nginx with no CRL at all (no revocation checking)",
			ours: fmt.Sprintf("%.0f µs", o), theirs: fmt.Sprintf("nginx %.0f µs", noCRL),
			ratio: fmt.Sprintf("%.2f× nginx", noCRL/o)},
		{what: "our server vs a bare Go tls.Server (RequireAndVerifyClientCert, no verdict, no events)",
			ours: fmt.Sprintf("%.0f µs", o), theirs: fmt.Sprintf("bare Go %.0f µs", floor),
			ratio: fmt.Sprintf("%.2f×", floor/o)},
		{what: "handshakes observed, 8 clients on the other core",
			ours: fmt.Sprintf("%.0f/s", oursRate), theirs: fmt.Sprintf("nginx %.0f/s", theirsRate),
			ratio: fmt.Sprintf("%.2f×", oursRate/theirsRate)},
	}
}
