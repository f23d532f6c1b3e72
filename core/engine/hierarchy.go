package engine

import (
	"context"
	"fmt"
	"os"

	"certdesk/core/certinfo"
	"certdesk/core/export"
	"certdesk/core/input"
	"certdesk/core/pki"
	"certdesk/core/vault"
)

// PendingCA is a CA waiting for its certificate from a root the vault
// does not hold.
type PendingCA = vault.PendingCA

// ErrNotPending means no CA of that name waits for a certificate.
var ErrNotPending = vault.ErrNotPending

// CreateIntermediate makes an issuing CA named name, signed by the vault
// CA parent, with the path length and name constraints of req. The vault
// must be unlocked.
func (e *Engine) CreateIntermediate(ctx context.Context, name string, parent CA, req pki.CARequest) (CA, error) {
	return e.store.CreateIntermediate(ctx, name, parent, req)
}

// RequestCA makes a CA named name whose root Certdesk does not hold: its
// key is made and sealed in the vault, and its CSR is written as PEM to
// csrPath (which must not exist yet). The CA can sign once InstallCACert
// has its certificate.
func (e *Engine) RequestCA(ctx context.Context, name string, req pki.CARequest, csrPath string) (PendingCA, error) {
	if _, err := os.Lstat(csrPath); err == nil {
		return PendingCA{}, fmt.Errorf("%s: %w", csrPath, ErrFileExists)
	}
	p, err := e.store.CreatePendingCA(ctx, name, req)
	if err != nil {
		return PendingCA{}, err
	}
	if err := export.WriteFile(csrPath, pki.EncodeCSRPEM(p.CSR), false, false); err != nil {
		return p, fmt.Errorf("the CA %q waits for its certificate, but its CSR was not saved (certctl ca pending --csr-out FILE writes it again): %w", name, err)
	}
	return p, nil
}

// PendingCAs lists the CAs waiting for their certificate.
func (e *Engine) PendingCAs(ctx context.Context) ([]PendingCA, error) { return e.store.PendingCAs(ctx) }

// WritePendingCSR writes the CSR of a pending CA again, as PEM.
func (e *Engine) WritePendingCSR(ctx context.Context, name, path string) error {
	all, err := e.store.PendingCAs(ctx)
	if err != nil {
		return err
	}
	for _, p := range all {
		if p.Name == name {
			return export.WriteFile(path, pki.EncodeCSRPEM(p.CSR), false, false)
		}
	}
	return fmt.Errorf("%w: %q", ErrNotPending, name)
}

// InstallCACert completes the pending CA name with its signed certificate,
// read from certFile: the certificate first, then its issuers up to the
// root. It returns warnings about the CA.
func (e *Engine) InstallCACert(ctx context.Context, name, certFile string) (CA, []string, error) {
	data, err := input.ReadFile(certFile)
	if err != nil {
		return CA{}, nil, err
	}
	certs, err := pki.ParseCertificates(data)
	if err != nil {
		return CA{}, nil, fmt.Errorf("%s: %w", certFile, err)
	}
	return e.store.InstallCACert(ctx, name, certs[0], certs[1:])
}

// SignIntermediate signs a CSR (PEM or DER) as an issuing CA under ca: the
// path length and name constraints are req's, never the request's. The
// certificate is stored without a key, as issued by ca, so ca can revoke
// it; export it with its chain to hand it over.
func (e *Engine) SignIntermediate(ctx context.Context, ca CA, request []byte, req pki.CARequest) (Record, error) {
	csr, err := pki.ParseCSR(request)
	if err != nil {
		return Record{}, err
	}
	return e.store.SignIntermediate(ctx, ca, csr, req)
}

// CANode is a CA in the vault's hierarchy, for trees and detail panes.
type CANode struct {
	CA       CA
	ParentID int64 // 0: a root, or a CA whose issuer the vault does not run
	Depth    int   // 0 for a root
	// PathLen is how many CA levels may stand below (-1: no limit).
	PathLen     int
	Constraints []string // "permit dns:example.com", "exclude ip:10.0.0.0/8", …
	Chain       []certinfo.Info
}

// CATree lists the vault's CAs, each parent before its children, with
// their place in the hierarchy.
func (e *Engine) CATree(ctx context.Context) ([]CANode, error) {
	cas, err := e.store.CAs(ctx)
	if err != nil {
		return nil, err
	}
	children := map[int64][]CA{}
	var roots []CA
	byID := map[int64]bool{}
	for _, ca := range cas {
		byID[ca.ID] = true
	}
	for _, ca := range cas {
		if p := parentID(ca); p != 0 && byID[p] {
			children[p] = append(children[p], ca)
		} else {
			roots = append(roots, ca)
		}
	}
	var out []CANode
	var walk func(ca CA, depth int) error
	walk = func(ca CA, depth int) error {
		n, err := e.node(ctx, ca, depth)
		if err != nil {
			return err
		}
		out = append(out, n)
		for _, c := range children[ca.ID] {
			if err := walk(c, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	for _, r := range roots {
		if err := walk(r, 0); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (e *Engine) node(ctx context.Context, ca CA, depth int) (CANode, error) {
	cert, err := e.store.Certificate(ctx, ca.CertID)
	if err != nil {
		return CANode{}, err
	}
	chain, err := e.ChainOf(ctx, ca.CertID)
	if err != nil {
		return CANode{}, err
	}
	n := CANode{CA: ca, ParentID: parentID(ca), Depth: depth, PathLen: cert.MaxPathLen, Chain: chain}
	if cert.MaxPathLen == 0 && !cert.MaxPathLenZero {
		n.PathLen = -1
	}
	n.Constraints = pki.ConstraintsOf(cert).Strings()
	return n, nil
}

// parentID is the vault CA that issued ca's certificate, or 0.
func parentID(ca CA) int64 {
	if ca.Cert.CAID == ca.ID {
		return 0
	}
	return ca.Cert.CAID
}

// ParentOf is the vault CA that issued ca, and false for a root or a CA
// whose issuer the vault does not run.
func (e *Engine) ParentOf(ctx context.Context, ca CA) (CA, bool, error) {
	return e.store.ParentOf(ctx, ca)
}

// Lineage is ca and the vault CAs above it, nearest first.
func (e *Engine) Lineage(ctx context.Context, ca CA) ([]CA, error) {
	out := []CA{ca}
	for len(out) <= pki.MaxPathLen+1 {
		p, ok, err := e.store.ParentOf(ctx, out[len(out)-1])
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		out = append(out, p)
	}
	return nil, fmt.Errorf("the CA %q has more than %d CAs above it: the vault is damaged", ca.Name, pki.MaxPathLen+1)
}

// caOfOwnCert is the CA whose own certificate rec is (an issuing CA's
// certificate is listed under its parent, so rec.CAName names the parent).
func (e *Engine) caOfOwnCert(ctx context.Context, rec Record) (CA, bool) {
	if ca, err := e.store.CAByName(ctx, rec.CAName); err == nil && ca.CertID == rec.ID {
		return ca, true
	}
	cas, err := e.store.CAs(ctx)
	if err != nil {
		return CA{}, false
	}
	for _, ca := range cas {
		if ca.CertID == rec.ID {
			return ca, true
		}
	}
	return CA{}, false
}

// IssuedCount is how many certificates the CA issued (its own certificate
// not counted, wherever it is listed).
func (e *Engine) IssuedCount(ctx context.Context, ca CA) (int, error) {
	n, err := e.store.Count(ctx, Filter{CAID: ca.ID})
	if err != nil {
		return 0, err
	}
	if ca.Cert.CAID == ca.ID {
		n-- // a root's own certificate is listed under itself
	}
	return n, nil
}
