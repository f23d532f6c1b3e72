package engine

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"

	"certdesk/core/mtls"
	"certdesk/core/verdict"
)

// TryMode says which certificate a try presents.
type TryMode int

// The ways to try the test server.
const (
	// TryAs presents a vault certificate with its key.
	TryAs TryMode = iota + 1
	// TryWithout presents no certificate.
	TryWithout
	// TryLookalike presents a certificate from a look-alike of a CA: the
	// same name, another key.
	TryLookalike
)

// TryRequest says how to connect to a running test server.
type TryRequest struct {
	Mode   TryMode
	CertID int64 // with TryAs
	CA     CA    // with TryLookalike: the CA to imitate
	Addr   string
}

// Access is what the server did with a try.
type Access int

// The answers a server gives.
const (
	// Refused: the handshake failed or the server answered with an error.
	Refused Access = iota
	// LetInAnonymously: the server answered without knowing who the client
	// is (optional mode, no or a refused certificate).
	LetInAnonymously
	// LetIn: the server answered and knows who the client is.
	LetIn
)

// TryOutcome is a try's answer, the same for both faces.
type TryOutcome struct {
	Label  string // who the client was: "Alice", "no certificate", …
	Access Access
	Result mtls.TryResult
}

// LetIn reports whether the server served the request at all.
func (o TryOutcome) LetIn() bool { return o.Access != Refused }

// Summary is one line saying who connected and what the server did.
func (o TryOutcome) Summary() string {
	word := map[Access]string{Refused: "Refused", LetInAnonymously: "Let in without identity", LetIn: "Let in"}[o.Access]
	return fmt.Sprintf("%s — as %s: %s", word, o.Label, o.Result.Summary())
}

// Try connects to a running test server as a vault certificate, with none,
// or with a look-alike CA's, and says whether it was let in. The vault must
// be unlocked for TryAs.
func (e *Engine) Try(ctx context.Context, req TryRequest) (TryOutcome, error) {
	cert, label, err := e.tryCertificate(ctx, req)
	if err != nil {
		return TryOutcome{}, err
	}
	pool, err := e.caPool(ctx)
	if err != nil {
		return TryOutcome{}, err
	}
	res, err := mtls.Try(ctx, req.Addr, mtls.TryOptions{Certificate: cert, ServerCAs: pool})
	if err != nil {
		return TryOutcome{}, &UnreachableError{Addr: req.Addr, Err: err}
	}
	return TryOutcome{Label: label, Access: accessOf(res), Result: res}, nil
}

func accessOf(res mtls.TryResult) Access {
	switch {
	case res.WhoAmI == nil || res.HTTPStatus != 200:
		return Refused
	case res.WhoAmI.Verdict == verdict.OK:
		return LetIn
	default:
		return LetInAnonymously
	}
}

// tryCertificate is the certificate a try presents, and who that is.
func (e *Engine) tryCertificate(ctx context.Context, req TryRequest) (*tls.Certificate, string, error) {
	switch req.Mode {
	case TryAs:
		rec, err := e.store.Get(ctx, req.CertID)
		if err != nil {
			return nil, "", err
		}
		if !rec.HasKey {
			return nil, "", fmt.Errorf("the vault holds no private key for %q, so Certdesk cannot connect as it", rec.CommonName)
		}
		cert, err := e.TLSCertificate(ctx, rec.ID)
		return cert, fmt.Sprintf("%q", rec.CommonName), err
	case TryWithout:
		return nil, "no certificate", nil
	case TryLookalike:
		caCert, err := e.store.Certificate(ctx, req.CA.CertID)
		if err != nil {
			return nil, "", err
		}
		cert, err := mtls.LookalikeCertificate(caCert, e.Now())
		return cert, fmt.Sprintf("a look-alike of CA %q", req.CA.Name), err
	}
	return nil, "", fmt.Errorf("unknown way to try the server (%d)", req.Mode)
}

// caPool holds every CA of the vault, to check the test server's certificate.
func (e *Engine) caPool(ctx context.Context) (*x509.CertPool, error) {
	cas, err := e.store.CAs(ctx)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	for _, ca := range cas {
		cert, err := e.store.Certificate(ctx, ca.CertID)
		if err != nil {
			return nil, err
		}
		pool.AddCert(cert)
	}
	return pool, nil
}

// ClientKit is what a person needs to connect by hand, and the commands.
type ClientKit struct {
	Files    mtls.ClientFiles
	Snippets []mtls.Snippet
}

// PrepareClientKit writes a vault certificate's files into dir (its CA, its
// certificate, key and a PKCS#12) and returns commands for curl, openssl
// and Python that connect to url with them. The vault must be unlocked.
func (e *Engine) PrepareClientKit(ctx context.Context, certID int64, dir, url string) (ClientKit, error) {
	rec, err := e.store.Get(ctx, certID)
	if err != nil {
		return ClientKit{}, err
	}
	ca, err := e.CAOf(ctx, rec)
	if err != nil {
		return ClientKit{}, err
	}
	h, err := e.holding(ctx, rec.ID)
	if err != nil {
		return ClientKit{}, err
	}
	caCert, err := e.store.Certificate(ctx, ca.CertID)
	if err != nil {
		return ClientKit{}, err
	}
	if len(h.chain) > 0 {
		// The top of the person's hierarchy: it verifies a test server run
		// by any CA of it (the server sends its intermediates).
		caCert = h.chain[len(h.chain)-1]
	}
	files, err := mtls.PrepareClientFiles(dir, h.cert, h.chain, h.key, caCert)
	if err != nil {
		return ClientKit{}, err
	}
	return ClientKit{Files: files, Snippets: mtls.Snippets(url, files)}, nil
}

// UnreachableError means no test server answered at the address.
type UnreachableError struct {
	Addr string
	Err  error
}

func (e *UnreachableError) Error() string { return e.Err.Error() }

// Unwrap gives the network error.
func (e *UnreachableError) Unwrap() error { return e.Err }
