// Package pkitest makes the CAs and people tests need, failing the test
// when one cannot be made.
package pkitest

import (
	"testing"
	"time"

	"certdesk/core/pki"
)

// CA makes a self-signed CA at now.
func CA(t testing.TB, req pki.CARequest, now time.Time) pki.Authority {
	t.Helper()
	ca, err := pki.NewCA(req, now)
	if err != nil {
		t.Fatal(err)
	}
	return pki.Authority{Cert: ca.Cert, Key: ca.Key}
}

// Person issues a person's certificate and key by ca at now.
func Person(t testing.TB, ca pki.Authority, req pki.PersonRequest, now time.Time) *pki.Issued {
	t.Helper()
	p, err := ca.IssuePerson(req, now)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
