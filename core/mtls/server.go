package mtls

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"certdesk/core/verdict"
)

// Limits that keep any client from holding the server.
const (
	DefaultAddr           = "127.0.0.1:8443"
	DefaultHandshakeLimit = 10 * time.Second
	DefaultIdleTimeout    = 30 * time.Second
	DefaultMaxConns       = 1024
	DefaultHistory        = 1000
	maxHeaderBytes        = 16 << 10
)

// DefaultMaxConnsPerAddr is a quarter of DefaultMaxConns: see
// Config.MaxConnsPerAddr.
const DefaultMaxConnsPerAddr = DefaultMaxConns / 4

// Config sets up a Server.
type Config struct {
	Addr        string          // default 127.0.0.1:8443
	Mode        Mode            // default Explain
	Certificate tls.Certificate // the server's own certificate and key
	Trust       *verdict.Trust  // initial trust; replace it with SetTrust
	// HandshakeTimeout bounds the time from accept to a finished handshake
	// (and to the end of the request headers).
	HandshakeTimeout time.Duration
	IdleTimeout      time.Duration
	MaxConns         int // concurrent connections at most
	History          int // events kept for late subscribers
	// Now gives the time verdicts are judged at (tests); default time.Now.
	Now func() time.Time

	// MaxConnsPerAddr is one IP address's share of MaxConns (default a
	// quarter): once more than half of MaxConns are open, a new connection
	// from an address holding its share is closed at once, so one address
	// never holds more than half and never locks the others out.
	MaxConnsPerAddr int
}

// Server is a running test server.
type Server struct {
	cfg      Config
	mode     atomic.Value // Mode
	trust    atomic.Pointer[verdict.Trust]
	broker   *Broker
	listener net.Listener
	http     *http.Server
	tlsConns *connQueue
	slots    chan struct{}

	wg      sync.WaitGroup
	mu      sync.Mutex
	raw     map[net.Conn]string
	states  sync.Map // *tls.Conn -> *connState
	closing atomic.Bool
	// handshakes hands an accepted connection to an idle handshake worker;
	// done ends the idle ones at Close.
	handshakes chan net.Conn
	done       chan struct{}

	// raw maps each open connection to its remote address; perAddr counts
	// the open connections of each address.
	perAddr map[string]int
}

// connState follows one connection from accept to its event.
type connState struct {
	remote    string
	helloSeen atomic.Bool     // the server answered the ClientHello with its certificate
	result    *verdict.Result // set by VerifyConnection
	// What the handshake was judged: the chain, and the trust, mode and
	// time it was judged at, so a request right after it on the same trust
	// and mode need not be judged again.
	certs    []*x509.Certificate
	judgedBy *verdict.Trust
	judgedIn Mode
	judgedAt time.Time
	refused  bool
	requests atomic.Int64 // requests answered (each publishes its own event)
	once     sync.Once    // the connection-level event: failure, refusal, preconnect

	checklist     *Checklist // the handshake's verdict told, see handshakeChecklist
	checklistOnce sync.Once
}

// handshakeChecklist tells the handshake's verdict step by step. It is
// built the first time something shows it (the refusal's event, the page
// or its event), not during the handshake: a connection dropped unused
// never pays for it.
func (st *connState) handshakeChecklist() *Checklist {
	st.checklistOnce.Do(func() {
		st.checklist = judgedChecklist(st.certs, *st.result, st.judgedBy, st.judgedIn, st.judgedAt)
	})
	return st.checklist
}

// Start listens on cfg.Addr and serves until Close.
func Start(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.Mode == "" {
		cfg.Mode = Explain
	}
	if cfg.HandshakeTimeout <= 0 {
		cfg.HandshakeTimeout = DefaultHandshakeLimit
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.MaxConnsPerAddr <= 0 {
		cfg.MaxConnsPerAddr = max(cfg.MaxConns/4, 1)
	}
	if cfg.History <= 0 {
		cfg.History = DefaultHistory
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if len(cfg.Certificate.Certificate) == 0 {
		return nil, errors.New("the test server needs a server certificate")
	}
	if cfg.Trust == nil {
		cfg.Trust = verdict.NewTrust(nil)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w (is another server using that port? choose another --addr)", cfg.Addr, err)
	}
	s := &Server{cfg: cfg, broker: NewBroker(cfg.History), listener: ln,
		tlsConns: newConnQueue(ln.Addr()), slots: make(chan struct{}, cfg.MaxConns), raw: map[net.Conn]string{}, perAddr: map[string]int{},
		handshakes: make(chan net.Conn), done: make(chan struct{})}
	s.mode.Store(cfg.Mode)
	s.trust.Store(cfg.Trust)
	s.http = &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: cfg.HandshakeTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          discardLogger(),
		ConnState:         s.connStateChanged,
		ConnContext:       s.connContext,
	}
	s.wg.Add(2)
	go func() { defer s.wg.Done(); s.acceptLoop() }()
	go func() { defer s.wg.Done(); s.http.Serve(s.tlsConns) }()
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.listener.Addr() }

// URL is the server's https:// address as a browser on this machine opens
// it: localhost for a loopback address or all addresses (0.0.0.0, ::),
// whose server certificate is for localhost, 127.0.0.1 and ::1.
func (s *Server) URL() string { return urlFor(s.listener.Addr().(*net.TCPAddr)) }

func urlFor(addr *net.TCPAddr) string {
	host := net.JoinHostPort(addr.IP.String(), fmt.Sprint(addr.Port))
	if addr.IP.IsLoopback() || addr.IP.IsUnspecified() {
		host = net.JoinHostPort("localhost", fmt.Sprint(addr.Port))
	}
	return "https://" + host + "/"
}

// DialAddr is an address a client on this machine can dial: the listening
// address, or localhost and its port when the server listens on all
// addresses (0.0.0.0 or ::, which no client can dial).
func (s *Server) DialAddr() string {
	addr := s.listener.Addr().(*net.TCPAddr)
	if addr.IP.IsUnspecified() {
		return net.JoinHostPort("localhost", fmt.Sprint(addr.Port))
	}
	return addr.String()
}

// Exposure is a warning when the server listens beyond loopback — other
// machines can then reach it and see who connects — and "" when it listens
// on loopback only.
func (s *Server) Exposure() string { return exposureFor(s.listener.Addr().(*net.TCPAddr)) }

func exposureFor(addr *net.TCPAddr) string {
	if addr.IP.IsLoopback() {
		return ""
	}
	where := "on " + addr.IP.String() + ", reachable from other machines"
	if addr.IP.IsUnspecified() {
		where = fmt.Sprintf("on every network interface (port %d), reachable from other machines", addr.Port)
	}
	return fmt.Sprintf("the test server listens %s: anyone who can reach it can connect and read its page. "+
		"Its certificate is for localhost, 127.0.0.1 and ::1 only, so other machines see a name mismatch.", where)
}

// Mode is the current mode.
func (s *Server) Mode() Mode { return s.mode.Load().(Mode) }

// SetMode switches the mode from the next handshake on; history stays.
func (s *Server) SetMode(m Mode) { s.mode.Store(m) }

// SetTrust replaces the trusted CAs and revocation state from the next
// handshake on.
func (s *Server) SetTrust(t *verdict.Trust) { s.trust.Store(t) }

// Trust is the trust in force.
func (s *Server) Trust() *verdict.Trust { return s.trust.Load() }

// Events is the server's event broker.
func (s *Server) Events() *Broker { return s.broker }

// Close stops the server, ends every connection and waits for every
// goroutine it started.
func (s *Server) Close() error {
	if !s.closing.CompareAndSwap(false, true) {
		return nil
	}
	err := s.listener.Close()
	close(s.done)
	s.tlsConns.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s.http.Shutdown(ctx)
	s.http.Close()
	s.mu.Lock()
	for c := range s.raw {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Server) acceptLoop() {
	for {
		s.slots <- struct{}{}
		conn, err := s.listener.Accept()
		if err != nil {
			<-s.slots
			if s.closing.Load() {
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			return
		}
		ip := remoteIP(conn)
		s.mu.Lock()
		open := s.perAddr[ip]
		// Past half of all slots, an address holding its share already is
		// refused: the rest stay free for the other addresses.
		busy := open >= s.cfg.MaxConnsPerAddr && len(s.slots) > cap(s.slots)/2
		if !busy {
			s.raw[conn] = ip
			s.perAddr[ip] = open + 1
		}
		s.mu.Unlock()
		if busy {
			s.refuseBusy(conn, open)
			<-s.slots
			continue
		}
		select {
		case s.handshakes <- conn: // an idle worker takes it
		default:
			s.wg.Add(1)
			go s.handshakeWorker(conn)
		}
	}
}

// workerIdle is how long a handshake worker waits for the next connection
// before it ends.
const workerIdle = 5 * time.Second

// handshakeWorker runs conn's handshake, then the next accepted
// connection's while one comes within workerIdle: a worker whose stack has
// grown to what a TLS handshake needs keeps it, instead of every
// connection's new goroutine growing (copying) its stack again.
func (s *Server) handshakeWorker(conn net.Conn) {
	defer s.wg.Done()
	idle := time.NewTimer(workerIdle)
	defer idle.Stop()
	for {
		s.handshake(conn)
		idle.Reset(workerIdle)
		select {
		case conn = <-s.handshakes:
		case <-idle.C:
			return
		case <-s.done:
			return
		}
	}
}

func (s *Server) forget(conn net.Conn) {
	s.mu.Lock()
	if ip, ok := s.raw[conn]; ok {
		delete(s.raw, conn)
		if s.perAddr[ip]--; s.perAddr[ip] <= 0 {
			delete(s.perAddr, ip)
		}
		<-s.slots
	}
	s.mu.Unlock()
}

// remoteIP is the connection's remote address without its port: the
// address that shares the connection slots. An IPv6 host usually holds a
// whole /64, so its /64 counts as one address.
func remoteIP(conn net.Conn) string {
	if a, ok := conn.RemoteAddr().(*net.TCPAddr); ok {
		if a.IP.To4() == nil && !a.IP.IsLoopback() {
			return a.IP.Mask(net.CIDRMask(64, 128)).String() + "/64"
		}
		return a.IP.String()
	}
	host, _, err := net.SplitHostPort(conn.RemoteAddr().String())
	if err != nil {
		return conn.RemoteAddr().String()
	}
	return host
}

// refuseBusy closes a connection from an address that holds its share of
// the connections already, and reports it as one event.
func (s *Server) refuseBusy(conn net.Conn, open int) {
	st := &connState{remote: conn.RemoteAddr().String()}
	busy := fmt.Sprintf("refused before TLS: %d connections from this address are open already, the most one address may hold", open)
	s.publishFailure(st, nil, verdict.HandshakeFailed, stepServer, busy, busy)
	conn.Close()
}

// handshake sniffs the first byte, runs the TLS handshake with the verdict
// in VerifyConnection, and hands a finished connection to the HTTP server.
func (s *Server) handshake(raw net.Conn) {
	st := &connState{remote: raw.RemoteAddr().String()}
	raw.SetDeadline(time.Now().Add(s.cfg.HandshakeTimeout))
	br := bufio.NewReaderSize(raw, 1024)
	first, err := br.Peek(1)
	if err != nil {
		s.publishPreconnect(st, nil, describeNetErr("the client opened a connection and sent nothing", err))
		raw.Close()
		s.forget(raw)
		return
	}
	if first[0] != 0x16 { // not a TLS handshake record
		peek, _ := br.Peek(min(br.Buffered(), 8))
		s.refuseNotTLS(raw, st, peek)
		s.forget(raw)
		return
	}
	conn := tls.Server(&peekedConn{Conn: raw, r: br}, s.tlsConfig(st))
	if err := conn.Handshake(); err != nil {
		var state *tls.ConnectionState
		if cs := conn.ConnectionState(); cs.Version != 0 {
			state = &cs
		}
		s.handshakeFailed(st, state, err)
		if st.refused {
			lingerAfterRefusal(raw, br)
		}
		conn.Close()
		s.forget(raw)
		return
	}
	raw.SetDeadline(time.Time{})
	s.states.Store(conn, st)
	if !s.tlsConns.Push(conn) {
		conn.Close()
		s.states.Delete(conn)
		s.forget(raw)
	}
}

func (s *Server) tlsConfig(st *connState) *tls.Config {
	mode := s.Mode()
	trust := s.trust.Load()
	return &tls.Config{
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			st.helloSeen.Store(true)
			return &s.cfg.Certificate, nil
		},
		ClientAuth:             tls.RequestClientCert,
		SessionTicketsDisabled: true,
		// Every answer goes out in one record, not a small first one and
		// then larger: one write and one segment less per answer (the
		// whoami JSON outgrows the first small record), on the loopback or
		// a LAN where the slow start this sizing helps with does not matter.
		DynamicRecordSizingDisabled: true,
		MinVersion:                  tls.VersionTLS12,
		NextProtos:                  []string{"http/1.1"},
		VerifyConnection: func(cs tls.ConnectionState) error {
			now := s.cfg.Now()
			res := verdict.JudgeCertificates(cs.PeerCertificates, trust, now)
			st.result, st.certs = &res, cs.PeerCertificates
			st.judgedBy, st.judgedIn, st.judgedAt = trust, mode, now
			switch {
			case res.Verdict.Allowed(), mode == Explain:
				return nil
			case mode == Optional && res.Verdict == verdict.NoCertificate:
				return nil
			}
			st.refused = true
			return fmt.Errorf("client certificate refused: %s", res.Verdict)
		},
	}
}

func (s *Server) refuseNotTLS(raw net.Conn, st *connState, peek []byte) {
	detail := "the client sent bytes that are not TLS"
	if looksLikeHTTP(peek) {
		detail = "the client sent plain HTTP to the TLS port"
		raw.SetWriteDeadline(time.Now().Add(time.Second))
		fmt.Fprintf(raw, "HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"+
			"This is an HTTPS server that asks for client certificates: use https://%s/\n", raw.LocalAddr())
	}
	e := s.baseEvent(st, nil)
	e.Result = verdict.Result{Verdict: verdict.NotTLS, Reasons: []verdict.Code{verdict.NotTLS},
		NginxVerify: verdict.NotTLS.NginxVerify(), Explanation: "Not TLS: " + detail + "; connect with https://."}
	if looksLikeHTTP(peek) {
		e.HTTPStatus = http.StatusBadRequest
	}
	e.Error = detail
	e.Outcome = NotTLSOutcome
	e.Checklist = failedChecklist(stepServer, "the client did not start a secure (TLS) connection: "+detail+"; use https://", "not_tls", time.Now())
	s.emit(e)
	raw.Close()
}

func looksLikeHTTP(b []byte) bool {
	for _, m := range []string{"GET ", "POST", "HEAD", "PUT ", "DELE", "OPTI", "PATC", "CONN", "PRI "} {
		if strings.HasPrefix(string(b), m[:min(len(m), len(b))]) && len(b) >= 3 {
			return true
		}
	}
	return false
}

func (s *Server) baseEvent(st *connState, cs *tls.ConnectionState) Event {
	e := Event{Time: time.Now().UTC(), Remote: st.remote, Mode: s.Mode()}
	if cs != nil {
		e.TLSVersion = tls.VersionName(cs.Version)
		e.Cipher = cipherName(cs.CipherSuite)
		e.SNI = cs.ServerName
	}
	return e
}

// publishFailure sends the event of a connection whose TLS broke before a
// certificate could be judged (at step stepServer or stepAsked).
func (s *Server) publishFailure(st *connState, cs *tls.ConnectionState, code verdict.Code, step int, detail, technical string) {
	st.once.Do(func() {
		e := s.baseEvent(st, cs)
		explanation := "The TLS handshake did not finish: " + detail + "."
		if code == verdict.Malformed {
			explanation = "The client certificate could not be read (" + detail + "); it is damaged or in a format this server does not accept."
		}
		e.Result = verdict.Result{Verdict: code, Reasons: []verdict.Code{code}, NginxVerify: code.NginxVerify(), Explanation: explanation}
		e.Error, e.Outcome = detail, FailedOutcome
		e.Checklist = failedChecklist(step, detail, technical, time.Now())
		if code == verdict.Malformed {
			e.Outcome = RefusedOutcome
			e.Checklist.Steps[stepAsked].Detail = "You sent one, but it could not be read: " + detail + "."
		}
		s.emit(e)
	})
}

// publishPreconnect sends the event of a connection the client closed
// before sending any request: a browser's spare connection, not a refusal.
func (s *Server) publishPreconnect(st *connState, cs *tls.ConnectionState, detail string) {
	st.once.Do(func() {
		e := s.baseEvent(st, cs)
		if st.result != nil {
			e.Result = *st.result
		} else {
			e.Result = verdict.Result{Verdict: verdict.HandshakeFailed, Reasons: []verdict.Code{verdict.HandshakeFailed},
				NginxVerify: verdict.HandshakeFailed.NginxVerify(), Explanation: "The client closed the connection before sending a request: " + detail + "."}
		}
		e.Error, e.Outcome, e.Preconnect = detail, PreconnectOutcome, true
		e.Checklist = preconnectChecklist(st.helloSeen.Load(), cs != nil && cs.HandshakeComplete, time.Now())
		s.emit(e)
	})
}

// publishRefused sends the event of a handshake the server ended because
// of the verdict (strict and optional modes).
func (s *Server) publishRefused(st *connState, cs *tls.ConnectionState) {
	st.once.Do(func() {
		e := s.baseEvent(st, cs)
		e.Result, e.Checklist = *st.result, st.handshakeChecklist()
		e.Refused, e.Outcome = true, RefusedOutcome
		e.Error = "the handshake was refused: " + string(st.result.Verdict)
		s.emit(e)
	})
}

// publishRequest sends the event of one answered request, judged afresh.
func (s *Server) publishRequest(st *connState, cs *tls.ConnectionState, j judged, status int, path string) {
	if st != nil {
		st.requests.Add(1)
	}
	e := Event{Time: time.Now().UTC(), Mode: s.Mode()}
	if st != nil {
		e = s.baseEvent(st, cs)
	}
	e.Result, e.Checklist, e.HTTPStatus, e.Path = j.result, j.checklist, status, path
	e.Outcome = RefusedOutcome
	if s.statusFor(j.result) == http.StatusOK { // by the verdict: a 404 or an icon lets no one in
		e.Outcome = LetIn
	}
	s.emit(e)
}

// emit summarizes and publishes an event.
func (s *Server) emit(e Event) {
	e.summarize()
	s.broker.Publish(e)
}

func (s *Server) connStateChanged(c net.Conn, state http.ConnState) {
	if state != http.StateClosed && state != http.StateHijacked {
		return
	}
	tc, ok := c.(*tls.Conn)
	if !ok {
		return
	}
	if v, ok := s.states.LoadAndDelete(tc); ok {
		st := v.(*connState)
		if st.requests.Load() == 0 {
			cs := tc.ConnectionState()
			s.publishPreconnect(st, &cs, "the browser set up a connection and closed it without asking for a page")
		}
	}
	s.forget(tc.NetConn().(*peekedConn).Conn)
}

func describeNetErr(what string, err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return what + " before the timeout"
	}
	if errors.Is(err, io.EOF) {
		return what + " before closing it"
	}
	return what + ": " + err.Error()
}

// peekedConn reads through the buffer that sniffed the first bytes.
type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
