package engine

import (
	"context"
	"fmt"
	"time"

	"certdesk/core/pki"
)

// Names used in the demo vault.
const (
	DemoCAName        = "Demo CA"
	DemoLookalikeName = "Look-alike of Demo CA"
)

// DemoPerson is one demo certificate and what it shows.
type DemoPerson struct {
	Name   string
	Shows  string // the verdict this person demonstrates
	Record Record
}

// Demo is what PopulateDemo made: everything needed to show mutual TLS to
// someone who has never seen it: a CA, people in every state, and a
// look-alike CA that copies the real one's name.
type Demo struct {
	CA        CA
	Lookalike CA
	People    []DemoPerson
}

// PopulateDemo adds the demo CA, its people and the look-alike CA to an
// unlocked vault.
func (e *Engine) PopulateDemo(ctx context.Context) (Demo, error) {
	v := e.store
	now := e.Now()
	var d Demo
	var err error
	d.CA, err = v.CreateCA(ctx, DemoCAName, pki.CARequest{Name: pki.Name{CommonName: DemoCAName, Organization: "Certdesk Demo"}})
	if err != nil {
		return d, fmt.Errorf("creating the demo CA: %w", err)
	}
	// The look-alike copies the CN and O: only its key differs.
	d.Lookalike, err = v.CreateCA(ctx, DemoLookalikeName, pki.CARequest{Name: pki.Name{CommonName: DemoCAName, Organization: "Certdesk Demo"}})
	if err != nil {
		return d, fmt.Errorf("creating the look-alike CA: %w", err)
	}
	year := 365 * 24 * time.Hour
	people := []struct {
		name, email, shows string
		ca                 CA
		validity           pki.Validity
		server             bool
	}{
		{"Alice Valid", "alice@example.com", "ok", d.CA, pki.Validity{}, false},
		{"Bob Revoked", "bob@example.com", "revoked", d.CA, pki.Validity{}, false},
		{"Carol Expired", "carol@example.com", "expired", d.CA, pki.Validity{NotBefore: now.Add(-2 * year), NotAfter: now.Add(-30 * 24 * time.Hour)}, false},
		{"Dave Future", "dave@example.com", "not_yet_valid", d.CA, pki.Validity{NotBefore: now.Add(30 * 24 * time.Hour), NotAfter: now.Add(year)}, false},
		{"Erin Expiring", "erin@example.com", "ok (expires in 10 days)", d.CA, pki.Validity{Days: 10}, false},
		{"wrong-usage.example", "", "wrong_usage (a server certificate used as a client)", d.CA, pki.Validity{}, true},
		{"Mallory Lookalike", "mallory@example.com", "unknown_ca (a look-alike CA with the same name)", d.Lookalike, pki.Validity{}, false},
	}
	for _, p := range people {
		var rec Record
		if p.server {
			rec, err = v.IssueServer(ctx, p.ca, pki.ServerRequest{DNSNames: []string{p.name}, Validity: p.validity})
		} else {
			var emails []string
			if p.email != "" {
				emails = []string{p.email}
			}
			rec, err = v.IssuePerson(ctx, p.ca, pki.PersonRequest{Name: pki.Name{CommonName: p.name}, Emails: emails, Validity: p.validity})
		}
		if err != nil {
			return d, fmt.Errorf("issuing %s: %w", p.name, err)
		}
		if p.shows == "revoked" {
			if rec, err = v.RevokeIfUnchanged(ctx, rec.ID, 1, rec.Version); err != nil {
				return d, err
			}
		}
		d.People = append(d.People, DemoPerson{Name: p.name, Shows: p.shows, Record: rec})
	}
	if _, err := v.SignCRL(ctx, d.CA, 0); err != nil {
		return d, err
	}
	if _, err := e.EnsureTestServerCertificate(ctx, d.CA); err != nil {
		return d, err
	}
	return d, nil
}
