package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"certdesk/core/mtls"
	"certdesk/core/pki"
	"certdesk/core/verdict"
)

// serveOurs is the child process that serves the fixture with our test
// server in explain mode (or, with -bare, a plain Go tls.Server: the floor)
// until it is killed.
func serveOurs(args []string) error {
	fs := flag.NewFlagSet("serve-ours", flag.ContinueOnError)
	dir := fs.String("dir", "", "fixture folder")
	addr := fs.String("addr", "", "listen address")
	bare := fs.Bool("bare", false, "a plain Go tls.Server with RequireAndVerifyClientCert instead of ours: the floor")
	profile := fs.String("cpuprofile", "", "write a CPU profile here for -seconds")
	seconds := fs.Int("seconds", 10, "how long to profile")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *profile != "" {
		if err := profileThenExit(*profile, time.Duration(*seconds)*time.Second); err != nil {
			return err
		}
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(*dir, "server.pem"), filepath.Join(*dir, "server.key"))
	if err != nil {
		return err
	}
	caPEM, err := os.ReadFile(filepath.Join(*dir, "ca.pem"))
	if err != nil {
		return err
	}
	cas, err := pki.ParseCertificates(caPEM)
	if err != nil {
		return err
	}
	if len(cas) == 0 {
		return errors.New("ca.pem holds no certificate")
	}
	if *bare {
		return serveBare(*addr, cert, cas[0])
	}
	return serveExplain(*addr, *dir, cert, cas)
}

// profileThenExit profiles the process's CPU into file for d, then ends it.
func profileThenExit(file string, d time.Duration) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return errors.Join(err, f.Close())
	}
	go func() {
		time.Sleep(d)
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "serve-ours: the CPU profile:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}()
	return nil
}

// serveBare serves with a plain Go tls.Server that requires and verifies a
// client certificate, and no more.
func serveBare(addr string, cert tls.Certificate, ca *x509.Certificate) error {
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	srv := &http.Server{Addr: addr, ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool, SessionTicketsDisabled: true},
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// A failed write is the client's failure, which the load
			// generator counts.
			_, _ = io.WriteString(w, "SUCCESS\n")
		})}
	return srv.ListenAndServeTLS("", "")
}

// serveExplain runs our test server in explain mode with the fixture's
// 100,000 revocations and one event subscriber, as the app and certctl
// serve have, until the process is killed.
func serveExplain(addr, dir string, cert tls.Certificate, cas []*x509.Certificate) error {
	revoked, err := os.ReadFile(filepath.Join(dir, "revoked.txt"))
	if err != nil {
		return err
	}
	trust := verdict.NewTrust(cas)
	for _, s := range strings.Fields(string(revoked)) {
		trust.RevokeSerial(cas[0], s, verdict.Revocation{Reason: "keyCompromise"})
	}
	server, err := mtls.Start(mtls.Config{Addr: addr, Mode: mtls.Explain, Certificate: cert, Trust: trust})
	if err != nil {
		return err
	}
	sub, _ := server.Events().Subscribe(4096) // the backlog: none yet, and not measured
	for range sub.C {
	}
	return errors.New("the event stream ended")
}
