package main

import (
	"path/filepath"

	"certdesk/core/peer"
)

// nginxCommand writes the benchmark's nginx configuration into the fixture
// folder and returns nginx's command line: the fixture's certificates,
// ssl_verify_client on, TLS 1.3 with X25519 only, no session reuse and no
// keep-alive, like our server and the bare Go one; withCRL adds the CRL of
// 100,000 revocations.
func nginxCommand(dir, addr string, withCRL bool) ([]string, error) {
	nginx, err := peer.Find("nginx")
	if err != nil {
		return nil, err
	}
	server := peer.NginxMTLSServer{
		Listen: addr, Certificate: filepath.Join(dir, "server.pem"), Key: filepath.Join(dir, "server.key"),
		ClientCA: filepath.Join(dir, "ca.pem"), Verify: "on",
		Directives: []string{"ssl_session_cache off", "ssl_protocols TLSv1.3", "ssl_ecdh_curve X25519", "keepalive_timeout 0"},
	}
	if withCRL {
		server.CRL = filepath.Join(dir, "crl.pem")
	}
	conf := peer.NginxConfig{Dir: dir, LogLevel: "warn", Connections: 1024, HTTP: server.String()}
	if err := conf.Write(); err != nil {
		return nil, err
	}
	return append([]string{nginx}, conf.Args()...), nil
}
