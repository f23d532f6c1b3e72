package engine

import (
	"context"
	"fmt"
	"time"

	"certdesk/core/certinfo"
	"certdesk/core/input"
	"certdesk/core/pki"
)

// IssuePerson issues a person's (client) certificate from the CA, with
// the CA's default profile if it has one, and stores it with its sealed
// key. The vault must be unlocked.
func (e *Engine) IssuePerson(ctx context.Context, ca CA, req pki.PersonRequest) (Record, error) {
	return e.IssuePersonWith(ctx, ca, "", req)
}

// IssuePersonWith is IssuePerson with the named profile (empty: the CA's
// default). Names outside the name constraints of the CA or a CA above it
// are refused before anything is signed.
func (e *Engine) IssuePersonWith(ctx context.Context, ca CA, profile string, req pki.PersonRequest) (Record, error) {
	return issueWithProfile(ctx, e, ca, profile, req, pki.Profile.ApplyPerson, pki.PersonNames, e.store.IssuePerson)
}

// IssueServer issues a server certificate from the CA and stores it.
func (e *Engine) IssueServer(ctx context.Context, ca CA, req pki.ServerRequest) (Record, error) {
	return e.IssueServerWith(ctx, ca, "", req)
}

// IssueServerWith is IssueServer with the named profile (empty: the CA's
// default), refusing names outside the CAs' name constraints.
func (e *Engine) IssueServerWith(ctx context.Context, ca CA, profile string, req pki.ServerRequest) (Record, error) {
	return issueWithProfile(ctx, e, ca, profile, req, pki.Profile.ApplyServer, pki.ServerNames, e.store.IssueServer)
}

// issueWithProfile applies the profile (named, or the CA's default) to a
// request, refuses names outside the name constraints of the CA or a CA
// above it before anything is signed, and has the store issue it.
func issueWithProfile[R any](ctx context.Context, e *Engine, ca CA, profile string, req R,
	apply func(pki.Profile, R) (R, error), names func(R) (pki.Names, error),
	issue func(context.Context, CA, R) (Record, error)) (Record, error) {
	p, ok, err := e.profileFor(ctx, ca, profile)
	if err != nil {
		return Record{}, err
	}
	if ok {
		if req, err = apply(p, req); err != nil {
			return Record{}, err
		}
	}
	n, err := names(req)
	if err != nil {
		return Record{}, err
	}
	if err := e.checkConstraints(ctx, ca, n); err != nil {
		return Record{}, err
	}
	return issue(ctx, ca, req)
}

// SignRequest signs a certificate request (PEM or DER) with the CA as a
// client or server certificate and stores it; the requester keeps the key.
func (e *Engine) SignRequest(ctx context.Context, ca CA, request []byte, profile pki.CSRProfile, validity pki.Validity) (Record, error) {
	csr, err := pki.ParseCSR(request)
	if err != nil {
		return Record{}, err
	}
	names := pki.Names{Emails: csr.EmailAddresses}
	if profile == pki.ServerProfile {
		names = pki.Names{DNS: csr.DNSNames, IPs: csr.IPAddresses}
	}
	if err := e.checkConstraints(ctx, ca, names); err != nil {
		return Record{}, err
	}
	return e.store.SignCSR(ctx, ca, csr, profile, validity)
}

// Renew issues a new certificate for the same person or server.
func (e *Engine) Renew(ctx context.Context, id int64, opts RenewOptions) (Record, error) {
	return e.store.RenewIfUnchanged(ctx, id, opts, 0)
}

// RenewIfUnchanged renews a certificate its caller saw at version seen
// (Record.Version); a *ConflictError when it changed since (0: no check).
func (e *Engine) RenewIfUnchanged(ctx context.Context, id int64, opts RenewOptions, seen int64) (Record, error) {
	return e.store.RenewIfUnchanged(ctx, id, opts, seen)
}

// Renewal is one certificate a batch renewal handled.
type Renewal struct {
	Old Record
	New Record // zero when Err is set
	Err error
}

// RenewAll renews each certificate in turn, going on past failures, and
// reports progress after each; a certificate changed since recs were
// listed is not renewed, its Err a *ConflictError; it stops early only when ctx ends (then the
// rest are left as they were, and ctx's error is returned).
func (e *Engine) RenewAll(ctx context.Context, recs []Record, opts RenewOptions, progress func(done, total int)) ([]Renewal, error) {
	var out []Renewal
	for i, r := range recs {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		n, err := e.store.RenewIfUnchanged(ctx, r.ID, opts, r.Version)
		out = append(out, Renewal{Old: r, New: n, Err: err})
		if progress != nil {
			progress(i+1, len(recs))
		}
	}
	return out, nil
}

// RenewalCandidates are the certificates of a CA (every CA for the zero
// value) that expire within the window and can be renewed: people and
// servers, not CAs or the test server, with their key in the vault — or
// any key when keepKey says the old key is signed again.
func (e *Engine) RenewalCandidates(ctx context.Context, ca CA, within time.Duration, keepKey bool) ([]Record, error) {
	all, err := e.store.List(ctx, Filter{CAID: ca.ID, Status: certinfo.Expiring, ExpiringWithin: within})
	if err != nil {
		return nil, err
	}
	var out []Record
	for _, r := range all {
		if r.Kind != KindCA && (r.HasKey || keepKey) && r.CommonName != TestServerName {
			out = append(out, r)
		}
	}
	return out, nil
}

// Request is a certificate signing request as a person checks it before
// signing: what it asks for, and its bytes for SignRequest.
type Request struct {
	Subject  string
	KeyType  string
	Emails   []string
	DNSNames []string
	Data     []byte
}

// ReadRequest reads a CSR file (PEM or DER) and checks its signature.
func ReadRequest(path string) (Request, error) {
	data, err := input.ReadFile(path)
	if err != nil {
		return Request{}, err
	}
	csr, err := pki.ParseCSR(data)
	if err != nil {
		return Request{}, fmt.Errorf("that file is not a CSR Certdesk can read: %w", err)
	}
	if err := csr.CheckSignature(); err != nil {
		return Request{}, fmt.Errorf("the CSR's signature does not verify: %w", err)
	}
	return Request{Subject: certinfo.DistinguishedName(csr.Subject), KeyType: pki.DescribePublicKey(csr.PublicKey),
		Emails: csr.EmailAddresses, DNSNames: csr.DNSNames, Data: data}, nil
}
