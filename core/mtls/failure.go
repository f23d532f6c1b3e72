package mtls

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"reflect"
	"strings"
	"syscall"
	"time"

	"certdesk/core/plain"
	"certdesk/core/verdict"
)

// handshakeFailed publishes the one event of a handshake that did not
// finish, told as what it was: the server's refusal, the client's alert,
// a client that went away (a browser preconnect), or a broken handshake.
func (s *Server) handshakeFailed(st *connState, cs *tls.ConnectionState, err error) {
	switch {
	case st.result != nil && st.refused:
		s.publishRefused(st, cs)
	case clientAlert(err) != nil:
		a := *clientAlert(err)
		detail, ok := plain.ClientAlert(a)
		if !ok {
			detail = "the client ended the handshake with the alert " + a.Error()
		}
		step := stepAsked
		if serverCertAlert(a) {
			step = stepServer
		}
		s.publishFailure(st, cs, verdict.HandshakeFailed, step, detail, err.Error())
	case clientWentAway(err):
		detail := "the client closed the connection before the handshake finished"
		if st.helloSeen.Load() {
			detail = "the browser closed this spare connection at the certificate request"
		}
		s.publishPreconnect(st, cs, detail)
	case strings.Contains(err.Error(), "failed to parse") && strings.Contains(err.Error(), "certificate"):
		s.publishFailure(st, cs, verdict.Malformed, stepAsked, err.Error(), err.Error())
	default:
		step := stepServer
		if st.helloSeen.Load() {
			step = stepAsked
		}
		s.publishFailure(st, cs, verdict.HandshakeFailed, step, err.Error(), err.Error())
	}
}

// clientAlert is the TLS alert the client sent, when err is one.
func clientAlert(err error) *tls.AlertError {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "remote error" || op.Err == nil {
		return nil
	}
	// crypto/tls reports a received alert as an unexported uint8 type.
	if v := reflect.ValueOf(op.Err); v.Kind() == reflect.Uint8 {
		a := tls.AlertError(v.Uint())
		return &a
	}
	return nil
}

// serverCertAlert reports whether the alert is the client rejecting the
// server's certificate.
func serverCertAlert(a tls.AlertError) bool {
	switch a {
	case 42, 43, 44, 45, 46, 48: // bad, unsupported, revoked, expired, unknown certificate; unknown CA
		return true
	}
	return false
}

// clientWentAway reports whether err means the client closed or stopped
// answering, as browsers do with spare connections.
func clientWentAway(err error) bool {
	var ne net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) || (errors.As(err, &ne) && ne.Timeout())
}

// lingerAfterRefusal reads what the client already sent (in TLS 1.3 its
// first request follows its certificate at once) for a moment before the
// connection closes: closing with unread data makes the kernel reset the
// connection, and the browser then loses the refusal alert and shows "not
// connected" instead of saying its certificate was refused.
func lingerAfterRefusal(raw net.Conn, r io.Reader) {
	raw.SetReadDeadline(time.Now().Add(lingerTime))
	io.Copy(io.Discard, io.LimitReader(r, 64<<10))
}

// lingerTime bounds lingerAfterRefusal.
const lingerTime = 300 * time.Millisecond
