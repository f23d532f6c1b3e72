package main

import (
	"bufio"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"certdesk/core/export"
	"certdesk/core/mtls"
	"certdesk/core/pki"
	"certdesk/core/verdict"
)

const (
	revocations      = 100_000
	handshakesPerRun = 3000
	loadConcurrency  = 8
	serverCore       = "0"
	loadCore         = "1"
	clockTicksPerSec = 100
)

// benchHandshakes compares our server in explain mode with nginx
// (ssl_verify_client on, ssl_crl of the same 100,000 revocations), one
// server core each, the same certificates and load generator, and measures
// the crypto limit in the same run.
func benchHandshakes() ([]row, error) {
	dir, err := os.MkdirTemp("", "certbench-tls-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := writeTLSFixture(dir); err != nil {
		return nil, err
	}
	self, _ := os.Executable()

	var ours, theirs, floor, noCRL []float64 // server CPU µs per handshake, one per round
	var oursRate, theirsRate []float64
	for round := range 5 {
		bareAddr := freeAddr()
		bare := exec.Command("taskset", "-c", serverCore, self, "serve-ours", "-bare", "-dir", dir, "-addr", bareAddr)
		bareUS, _, err := measureServer(bare, bareAddr, dir, handshakesPerRun)
		if err != nil {
			return nil, fmt.Errorf("bare Go server: %w", err)
		}
		floor = append(floor, bareUS)

		addr := freeAddr()
		srv := exec.Command("taskset", "-c", serverCore, self, "serve-ours", "-dir", dir, "-addr", addr)
		us, rate, err := measureServer(srv, addr, dir, handshakesPerRun)
		if err != nil {
			return nil, fmt.Errorf("our server: %w", err)
		}
		ours, oursRate = append(ours, us), append(oursRate, rate)

		addr = freeAddr()
		conf, err := nginxConf(dir, addr, true)
		if err != nil {
			return nil, err
		}
		ngx := exec.Command("taskset", "-c", serverCore, nginxPath(), "-p", dir, "-c", conf, "-e", filepath.Join(dir, "error.log"))
		us, rate, err = measureServer(ngx, addr, dir, handshakesPerRun/3)
		if err != nil {
			return nil, fmt.Errorf("nginx: %w", err)
		}
		theirs, theirsRate = append(theirs, us), append(theirsRate, rate)

		addr = freeAddr()
		if conf, err = nginxConf(dir, addr, false); err != nil {
			return nil, err
		}
		ngx = exec.Command("taskset", "-c", serverCore, nginxPath(), "-p", dir, "-c", conf, "-e", filepath.Join(dir, "error.log"))
		if us, _, err = measureServer(ngx, addr, dir, handshakesPerRun); err != nil {
			return nil, fmt.Errorf("nginx without CRL: %w", err)
		}
		noCRL = append(noCRL, us)
		fmt.Fprintf(os.Stderr, "round %d: Certdesk %.0f µs, bare Go %.0f µs, nginx %.0f µs (without CRL %.0f µs) per handshake\n", round+1, ours[round], floor[round], theirs[round], noCRL[round])
	}
	limit := cryptoLimit()
	o, t := medianF(ours), medianF(theirs)
	return []row{
		{what: "mTLS handshake, server CPU per handshake (P-256, X25519, 100,000 revocations)",
			ours: fmt.Sprintf("%.0f µs (%.0f/s per core)", o, 1e6/o), theirs: fmt.Sprintf("nginx %.0f µs (%.0f/s per core)", t, 1e6/t),
			ratio: fmt.Sprintf("%.2f× nginx", t/o), target: "≥ 2× nginx", verdict: met(t/o >= 2)},
		{what: "mTLS handshake vs the crypto limit (sign + 2 verifies + X25519)",
			ours: fmt.Sprintf("%.0f µs", o), theirs: fmt.Sprintf("limit %.0f µs", limit),
			ratio: fmt.Sprintf("%.0f%% of the limit", 100*limit/o), target: "≥ 80%", verdict: met(limit/o >= 0.8)},
		{what: "the same against nginx with no CRL at all (no revocation checking)",
			ours: fmt.Sprintf("%.0f µs", o), theirs: fmt.Sprintf("nginx %.0f µs", medianF(noCRL)),
			ratio: fmt.Sprintf("%.2f× nginx", medianF(noCRL)/o), target: "", verdict: ""},
		{what: "our server vs a bare Go tls.Server (RequireAndVerifyClientCert, no verdict, no events)",
			ours: fmt.Sprintf("%.0f µs", o), theirs: fmt.Sprintf("bare Go %.0f µs", medianF(floor)),
			ratio: fmt.Sprintf("%.2f×", medianF(floor)/o), target: "", verdict: ""},
		{what: "handshakes observed, 8 clients on the other core",
			ours: fmt.Sprintf("%.0f/s", medianF(oursRate)), theirs: fmt.Sprintf("nginx %.0f/s", medianF(theirsRate)),
			ratio: fmt.Sprintf("%.2f×", medianF(oursRate)/medianF(theirsRate)), target: "", verdict: ""},
	}, nil
}

// measureServer starts a server process, runs the load against it from the
// other core, and returns the server's CPU µs per handshake and the rate.
func measureServer(cmd *exec.Cmd, addr, dir string, handshakes int) (float64, float64, error) {
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if err := waitListening(addr, 60*time.Second); err != nil {
		return 0, 0, fmt.Errorf("%v: %s", err, stderr.String())
	}
	// Warm up, then measure.
	self, _ := os.Executable()
	if out, err := exec.Command("taskset", "-c", loadCore, self, "load", "-addr", addr, "-dir", dir, "-n", "200").CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("warm-up: %v: %s", err, out)
	}
	before, err := cpuTicks(cmd.Process.Pid)
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	out, err := exec.Command("taskset", "-c", loadCore, self, "load", "-addr", addr, "-dir", dir, "-n", strconv.Itoa(handshakes)).CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("load: %v: %s", err, out)
	}
	elapsed := time.Since(start)
	after, err := cpuTicks(cmd.Process.Pid)
	if err != nil {
		return 0, 0, err
	}
	cpu := float64(after-before) / clockTicksPerSec * 1e6 // µs
	return cpu / float64(handshakes), float64(handshakes) / elapsed.Seconds(), nil
}

// cpuTicks is a process's user+system CPU time, all threads, in clock ticks.
func cpuTicks(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	fields := strings.Fields(string(data[strings.LastIndex(string(data), ")")+2:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return utime + stime, nil
}

func freeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitListening(addr string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("nothing listens on %s", addr)
}

func nginxPath() string {
	for _, p := range []string{"/usr/sbin/nginx", "/usr/local/sbin/nginx"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "nginx"
}

// writeTLSFixture writes a CA, a server and a client certificate, 100,000
// revoked serials and the CRL holding them.
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
	var serials strings.Builder
	entries := make([]pki.Revoked, 0, revocations)
	for range revocations {
		s, _ := pki.NewSerial()
		entries = append(entries, pki.Revoked{Serial: s, Time: now, Reason: 1})
		serials.WriteString(pki.SerialHex(s) + "\n")
	}
	crl, err := ca.SignCRL(pki.CRLRequest{Number: big.NewInt(1), ThisUpdate: now, NextUpdate: now.Add(24 * time.Hour), Entries: entries})
	if err != nil {
		return err
	}
	write := func(name string, data []byte) error { return os.WriteFile(filepath.Join(dir, name), data, 0o600) }
	sk, _ := export.KeyPEM(server.Key, "")
	ck, _ := export.KeyPEM(client.Key, "")
	cak, _ := export.KeyPEM(caIssued.Key, "")
	for _, f := range []struct {
		name string
		data []byte
	}{
		{"ca.pem", pki.EncodeCertPEM(ca.Cert)}, {"ca.key", cak},
		{"server.pem", pki.EncodeCertPEM(server.Cert)}, {"server.key", sk},
		{"client.pem", pki.EncodeCertPEM(client.Cert)}, {"client.key", ck},
		{"revoked.txt", []byte(serials.String())}, {"crl.pem", pki.EncodeCRLPEM(crl)},
	} {
		if err := write(f.name, f.data); err != nil {
			return err
		}
	}
	return os.MkdirAll(filepath.Join(dir, "tmp"), 0o700)
}

func nginxConf(dir, addr string, withCRL bool) (string, error) {
	crl := ""
	if withCRL {
		crl = "ssl_crl " + dir + "/crl.pem;"
	}
	conf := fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path %[1]s/tmp; proxy_temp_path %[1]s/tmp; fastcgi_temp_path %[1]s/tmp; uwsgi_temp_path %[1]s/tmp; scgi_temp_path %[1]s/tmp;
	server {
		listen %[2]s ssl;
		ssl_certificate %[1]s/server.pem;
		ssl_certificate_key %[1]s/server.key;
		ssl_client_certificate %[1]s/ca.pem;
		ssl_verify_client on;
		%[3]s
		ssl_session_tickets off;
		ssl_session_cache off;
		ssl_protocols TLSv1.3;
		ssl_ecdh_curve X25519;
		keepalive_timeout 0;
		location / { return 200 "$ssl_client_verify\n"; }
	}
}
`, dir, addr, crl)
	p := filepath.Join(dir, "nginx.conf")
	return p, os.WriteFile(p, []byte(conf), 0o600)
}

// serveOurs is the child process that runs our test server.
func serveOurs(args []string) {
	fs := flag.NewFlagSet("serve-ours", flag.ExitOnError)
	dir := fs.String("dir", "", "fixture folder")
	addr := fs.String("addr", "", "listen address")
	bare := fs.Bool("bare", false, "a plain Go tls.Server with RequireAndVerifyClientCert instead of ours: the floor")
	profile := fs.String("cpuprofile", "", "write a CPU profile here for -seconds")
	seconds := fs.Int("seconds", 10, "how long to profile")
	fs.Parse(args)
	if *profile != "" {
		f, err := os.Create(*profile)
		if err == nil {
			pprof.StartCPUProfile(f)
			go func() {
				time.Sleep(time.Duration(*seconds) * time.Second)
				pprof.StopCPUProfile()
				f.Close()
				os.Exit(0)
			}()
		}
	}
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(*dir, name))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return data
	}
	cert, err := tls.X509KeyPair(read("server.pem"), read("server.key"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cas, _ := pki.ParseCertificates(read("ca.pem"))
	if *bare {
		pool := x509.NewCertPool()
		pool.AddCert(cas[0])
		srv := &http.Server{Addr: *addr, ReadHeaderTimeout: 10 * time.Second,
			TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool, SessionTicketsDisabled: true},
			Handler:   http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "SUCCESS\n") })}
		fmt.Fprintln(os.Stderr, srv.ListenAndServeTLS("", ""))
		os.Exit(1)
	}
	trust := verdict.NewTrust(cas)
	for _, s := range strings.Fields(string(read("revoked.txt"))) {
		trust.RevokeSerial(cas[0], s, verdict.Revocation{Reason: "keyCompromise"})
	}
	server, err := mtls.Start(mtls.Config{Addr: *addr, Mode: mtls.Explain, Certificate: cert, Trust: trust})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sub, _ := server.Events().Subscribe(4096)
	go func() {
		for range sub.C { // a subscriber, as the app or certctl serve has
		}
	}()
	select {}
}

// loadMain is the child process that makes n mTLS connections, each with a
// fresh full handshake (no resumption), reading the answer after each.
func loadMain(args []string) {
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	dir := fs.String("dir", "", "fixture folder")
	addr := fs.String("addr", "", "server address")
	n := fs.Int("n", 1000, "connections")
	fs.Parse(args)
	cert, err := tls.LoadX509KeyPair(filepath.Join(*dir, "client.pem"), filepath.Join(*dir, "client.key"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, InsecureSkipVerify: true, //nolint:gosec // load generator against our own loopback servers
		CurvePreferences: []tls.CurveID{tls.X25519}, MinVersion: tls.VersionTLS13, ServerName: "localhost"}
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	for range loadConcurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(*n) {
				if err := oneRequest(*addr, cfg); err != nil {
					if failed.Add(1) == 1 {
						fmt.Fprintln(os.Stderr, "load:", err)
					}
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		fmt.Fprintf(os.Stderr, "load: %d of %d requests failed\n", failed.Load(), *n)
		os.Exit(1)
	}
}

func oneRequest(addr string, cfg *tls.Config) error {
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", addr, cfg)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, "GET /api/whoami HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"); err != nil {
		return err
	}
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.Contains(status, " 200 ") {
		return fmt.Errorf("answer %q", strings.TrimSpace(status))
	}
	io.Copy(io.Discard, conn)
	return nil
}

// cryptoLimit is the µs one core needs for the public-key work of one mTLS
// handshake: one ECDSA P-256 signature, two verifications, an X25519 key
// exchange. Median of 5 runs.
func cryptoLimit() float64 {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	digest := sha256.Sum256([]byte("handshake transcript"))
	sig, _ := ecdsa.SignASN1(rand.Reader, key, digest[:])
	peer, _ := ecdh.X25519().GenerateKey(rand.Reader)
	var runs []float64
	const n = 2000
	for range 5 {
		start := time.Now()
		for range n {
			ecdsa.SignASN1(rand.Reader, key, digest[:])
			ecdsa.VerifyASN1(&key.PublicKey, digest[:], sig)
			ecdsa.VerifyASN1(&key.PublicKey, digest[:], sig)
			k, _ := ecdh.X25519().GenerateKey(rand.Reader)
			k.ECDH(peer.PublicKey())
		}
		runs = append(runs, float64(time.Since(start).Microseconds())/n)
	}
	return medianF(runs)
}
