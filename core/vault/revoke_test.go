package vault

import (
	"crypto/rand"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"certdesk/core/certinfo"
	"certdesk/core/pki"
)

func TestRevokeUnrevoke(t *testing.T) {
	v, ca, alice := aliceVault(t)
	got, err := v.Revoke(ctx, alice.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Revoked() || got.RevocationReason != 1 || got.Status(time.Now()) != certinfo.Revoked {
		t.Fatalf("after revoke: %+v", got)
	}
	if _, err := v.Revoke(ctx, alice.ID, 4); !errors.Is(err, ErrAlreadyRevoked) {
		t.Errorf("second revoke: %v", err)
	}
	if r, _ := v.Get(ctx, alice.ID); r.RevocationReason != 1 {
		t.Error("a refused second revoke changed the reason")
	}
	if by, _ := v.RevokedBy(ctx, alice.ID); !strings.Contains(by, "certdesk") {
		t.Errorf("revoked by %q", by)
	}
	if _, err := v.Revoke(ctx, ca.CertID, 1); err == nil {
		t.Error("a CA's own certificate was revoked")
	}
	if _, err := v.Revoke(ctx, alice.ID, 7); err == nil {
		t.Error("reason code 7 (unused in RFC 5280) accepted")
	}
	if _, err := v.Unrevoke(ctx, alice.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Unrevoke(ctx, alice.ID); !errors.Is(err, ErrNotRevoked) {
		t.Errorf("second unrevoke: %v", err)
	}
	v.Lock()
	if _, err := v.Revoke(ctx, alice.ID, 1); !errors.Is(err, ErrLocked) {
		t.Errorf("revoke while locked: %v", err)
	}
	if r, _ := v.Get(ctx, alice.ID); r.Revoked() {
		t.Error("a locked vault revoked")
	}
}

func TestCRLNumbersAreMonotonic(t *testing.T) {
	v, ca, alice := aliceVault(t)
	v.Revoke(ctx, alice.ID, 1)
	var last int64
	for i := range 3 {
		crl, err := v.SignCRL(ctx, ca, 0)
		if err != nil {
			t.Fatal(err)
		}
		if crl.Number != last+1 {
			t.Fatalf("CRL %d has number %d after %d", i, crl.Number, last)
		}
		last = crl.Number
		parsed, err := x509.ParseRevocationList(crl.DER)
		if err != nil {
			t.Fatal(err)
		}
		caCert, _ := v.Certificate(ctx, ca.CertID)
		if err := parsed.CheckSignatureFrom(caCert); err != nil {
			t.Fatal(err)
		}
		if len(parsed.RevokedCertificateEntries) != 1 || parsed.RevokedCertificateEntries[0].ReasonCode != 1 {
			t.Fatalf("entries %+v", parsed.RevokedCertificateEntries)
		}
		if parsed.NextUpdate.Sub(parsed.ThisUpdate) != pki.DefaultCRLValidity {
			t.Errorf("validity %v", parsed.NextUpdate.Sub(parsed.ThisUpdate))
		}
	}
	// The number survives closing and reopening the vault.
	path := v.Path()
	v.Close()
	v2 := unlocked(t, path, nil)
	ca, _ = v2.CAByName(ctx, "Acme")
	if ca.CRLNumber != 3 || ca.CRLNextUpdate.IsZero() {
		t.Fatalf("after reopen: number %d, next %v", ca.CRLNumber, ca.CRLNextUpdate)
	}
	crl, err := v2.SignCRL(ctx, ca, 7*24*time.Hour)
	if err != nil || crl.Number != 4 {
		t.Fatalf("after reopen: CRL %d, %v", crl.Number, err)
	}
}

func TestCRLNeedsCRLSign(t *testing.T) {
	v := newVault(t)
	issued, err := pki.NewCA(pki.CARequest{Name: pki.Name{CommonName: "mkcert-like"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// Re-sign the CA without cRLSign, as mkcert does.
	tmpl := *issued.Cert
	tmpl.KeyUsage = x509.KeyUsageCertSign
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, issued.Key.Public(), issued.Key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	ca, warnings, err := v.ImportCA(ctx, "mk", cert, issued.Key, nil)
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "cannot sign CRLs") {
		t.Fatalf("import: %v %v", warnings, err)
	}
	if _, err := v.SignCRL(ctx, ca, 0); err == nil || !strings.Contains(err.Error(), "cRLSign") {
		t.Fatalf("CRL without cRLSign: %v", err)
	}
	if ca, _ = v.CAByName(ctx, "mk"); ca.CRLNumber != 0 {
		t.Error("a refused CRL used up a number")
	}
}

func TestRenew(t *testing.T) {
	v := newVault(t)
	ca := newCA(t, v, "Acme")
	old, _ := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Alice", Organization: "Acme"}, Emails: []string{"alice@example.com"}, KeyType: pki.Ed25519, Validity: pki.Validity{Days: 90}})
	renewed, err := v.Renew(ctx, old.ID, RenewOptions{RevokeOld: true})
	if err != nil {
		t.Fatal(err)
	}
	if renewed.CommonName != "Alice" || renewed.Emails[0] != "alice@example.com" || renewed.KeyType != "Ed25519" || renewed.RenewedFrom != old.ID || renewed.Serial == old.Serial {
		t.Errorf("renewed: %+v", renewed)
	}
	if d := renewed.NotAfter.Sub(renewed.NotBefore); d < 89*24*time.Hour || d > 91*24*time.Hour {
		t.Errorf("lifetime %v, want the old 90 days", d)
	}
	oldNow, _ := v.Get(ctx, old.ID)
	if !oldNow.Revoked() || oldNow.RevocationReason != 4 {
		t.Errorf("old certificate not revoked as superseded: %+v", oldNow)
	}
	k1, _ := v.PrivateKey(ctx, old.ID)
	k2, _ := v.PrivateKey(ctx, renewed.ID)
	if pki.PublicKeySHA256(k1.Public()) == pki.PublicKeySHA256(k2.Public()) {
		t.Error("renewal reused the key")
	}
	server, _ := v.IssueServer(ctx, ca, pki.ServerRequest{DNSNames: []string{"api.example.com"}})
	rs, err := v.Renew(ctx, server.ID, RenewOptions{Days: 30})
	if err != nil || rs.DNSNames[0] != "api.example.com" || rs.Kind != KindServer {
		t.Errorf("server renewal: %+v %v", rs, err)
	}
	if s, _ := v.Get(ctx, server.ID); s.Revoked() {
		t.Error("the old server certificate was revoked without asking")
	}
	if _, err := v.Renew(ctx, ca.CertID, RenewOptions{}); err == nil {
		t.Error("a CA was renewed")
	}
}

func TestRevokeMany(t *testing.T) {
	v := newVault(t)
	ca := newCA(t, v, "Acme")
	a, b := issuedBy(t, v, ca, "A"), issuedBy(t, v, ca, "B")
	v.Revoke(ctx, b.ID, 1)
	n, err := v.RevokeMany(ctx, []int64{a.ID, b.ID, ca.CertID, 999}, 3)
	if err != nil || n != 1 {
		t.Fatalf("revoked %d, %v; want 1 (B was already revoked, the CA and 999 are skipped)", n, err)
	}
	if r, _ := v.Get(ctx, b.ID); r.RevocationReason != 1 {
		t.Error("an earlier revocation was overwritten")
	}
	if r, _ := v.Get(ctx, a.ID); r.RevocationReason != 3 {
		t.Error("A was not revoked with affiliationChanged")
	}
}
