package mtls

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// TryOptions say how the try-it client connects.
type TryOptions struct {
	// Certificate to present; nil presents none.
	Certificate *tls.Certificate
	// ServerCAs verify the server; nil skips server verification (it is our
	// own local test server).
	ServerCAs *x509.CertPool
	// ServerName for SNI and verification (default localhost).
	ServerName string
	Timeout    time.Duration
}

// TryResult is what the server answered.
type TryResult struct {
	// HTTPStatus is 0 when no HTTP answer came (the handshake was refused).
	HTTPStatus int
	// WhoAmI is the server's judgement, when it answered.
	WhoAmI *WhoAmI
	// Refused holds the TLS error when the server ended the handshake.
	Refused string
}

// Summary says in one line what happened.
func (r TryResult) Summary() string {
	if r.WhoAmI == nil {
		return "refused during the TLS handshake: " + r.Refused
	}
	return fmt.Sprintf("HTTP %d, verdict %s: %s", r.HTTPStatus, r.WhoAmI.Verdict, r.WhoAmI.Explanation)
}

// Try connects to a running test server at addr (host:port), asks
// /api/whoami, and reports the answer. A refused handshake is a result, not
// an error; errors are for servers that cannot be reached.
func Try(ctx context.Context, addr string, opts TryOptions) (TryResult, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.ServerName == "" {
		opts.ServerName = "localhost"
	}
	cfg := &tls.Config{ServerName: opts.ServerName, RootCAs: opts.ServerCAs, InsecureSkipVerify: opts.ServerCAs == nil} //nolint:gosec // our own local test server, verified when the caller gives its CA
	if opts.Certificate != nil {
		cert := *opts.Certificate
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	d := tls.Dialer{Config: cfg, NetDialer: &net.Dialer{}}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		if isRefusal(err) {
			return TryResult{Refused: err.Error()}, nil
		}
		return TryResult{}, fmt.Errorf("connecting to %s: %w", addr, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	// In TLS 1.3 the server's refusal arrives after our handshake "succeeds":
	// only reading shows it.
	fmt.Fprintf(conn, "GET /api/whoami HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", opts.ServerName)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		if isRefusal(err) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return TryResult{Refused: err.Error()}, nil
		}
		return TryResult{}, fmt.Errorf("reading the answer: %w", err)
	}
	defer resp.Body.Close()
	var who WhoAmI
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&who); err != nil {
		return TryResult{HTTPStatus: resp.StatusCode}, fmt.Errorf("the answer is not Certdesk's whoami JSON: %w", err)
	}
	return TryResult{HTTPStatus: resp.StatusCode, WhoAmI: &who}, nil
}

func isRefusal(err error) bool {
	var alert tls.AlertError
	if errors.As(err, &alert) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "remote error") || strings.Contains(msg, "bad certificate") ||
		strings.Contains(msg, "connection reset") || strings.Contains(msg, "certificate required")
}
