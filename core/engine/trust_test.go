package engine

import (
	"errors"
	"strings"
	"testing"
	"time"

	"certdesk/core/pki"
	"certdesk/core/vault"
	"certdesk/core/verdict"
)

func TestTrustSnapshot(t *testing.T) {
	v, _, alice := engineWith(t, "Acme", "Alice")
	aliceCert, _ := v.store.Certificate(ctx, alice.ID)
	judge := func() verdict.Code {
		tr, err := v.Trust(ctx, CA{})
		if err != nil {
			t.Fatal(err)
		}
		return verdict.Judge([][]byte{aliceCert.Raw}, tr, time.Now()).Verdict
	}
	if got := judge(); got != verdict.OK {
		t.Fatalf("fresh: %s", got)
	}
	before, _ := v.TrustSource(CA{}).Stamp(ctx)
	v.Revoke(ctx, alice.ID, 1)
	if after, _ := v.TrustSource(CA{}).Stamp(ctx); after == before {
		t.Error("the stamp did not change on revoke")
	}
	if got := judge(); got != verdict.Revoked {
		t.Fatalf("after revoke: %s", got)
	}
	v.Unrevoke(ctx, alice.ID)
	if _, err := v.DenyFingerprint(ctx, alice.FingerprintSHA256, 1, "lost laptop"); err != nil {
		t.Fatal(err)
	}
	if _, err := v.DenyFingerprint(ctx, alice.FingerprintSHA256, 1, ""); !errors.Is(err, vault.ErrAlreadyRevoked) {
		t.Errorf("double deny: %v", err)
	}
	if got := judge(); got != verdict.Revoked {
		t.Fatalf("after deny: %s", got)
	}
	if err := v.AllowFingerprint(ctx, strings.ToLower(strings.ReplaceAll(alice.FingerprintSHA256, ":", ""))); err != nil {
		t.Fatal(err)
	}
	if got := judge(); got != verdict.OK {
		t.Fatalf("after allow: %s", got)
	}
	if _, err := v.DenyFingerprint(ctx, "12:34", 1, ""); err == nil {
		t.Error("a short fingerprint was denied")
	}
}

func TestTrustSourceFollowsChanges(t *testing.T) {
	v, ca, alice := engineWith(t, "Acme", "Alice")
	aliceCert, _ := v.store.Certificate(ctx, alice.ID)
	src := v.TrustSource(ca)
	judge := func() (verdict.Code, int) {
		tr, err := src.Trust(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return verdict.Judge([][]byte{aliceCert.Raw}, tr, time.Now()).Verdict, tr.Layered()
	}
	steps := []struct {
		name        string
		change      func()
		want        verdict.Code
		wantLayered int // distinct certificates layered since the last full build
	}{
		{"first build", func() {}, verdict.OK, 0},
		{"revoke", func() { v.Revoke(ctx, alice.ID, 1) }, verdict.Revoked, 1},
		{"issue someone else", func() { v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Bob"}}) }, verdict.Revoked, 1},
		{"unrevoke", func() { v.Unrevoke(ctx, alice.ID) }, verdict.OK, 1},
		{"deny by fingerprint", func() { v.DenyFingerprint(ctx, alice.FingerprintSHA256, 1, "") }, verdict.Revoked, 2},
		{"allow again", func() { v.AllowFingerprint(ctx, alice.FingerprintSHA256) }, verdict.OK, 2},
		{"a new CA: full rebuild", func() { v.CreateCA(ctx, "Other", pki.CARequest{}) }, verdict.OK, 0},
		{"revoke after the rebuild", func() { v.Revoke(ctx, alice.ID, 4) }, verdict.Revoked, 1},
	}
	for _, st := range steps {
		st.change()
		got, layered := judge()
		if got != st.want || (st.wantLayered >= 0 && layered != st.wantLayered) {
			t.Errorf("%s: verdict %s with %d layered changes; want %s with %d", st.name, got, layered, st.want, st.wantLayered)
		}
	}
	// A second handle, as another process would be, is seen too.
	other, err := OpenUnlocked(v.Path(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.Unrevoke(ctx, alice.ID)
	if got, _ := judge(); got != verdict.OK {
		t.Errorf("unrevoked by another handle: %s", got)
	}
}

func TestTestServerCertificateIsReused(t *testing.T) {
	v := newEngine(t)
	ca := newCA(t, v, "Acme")
	first, err := v.EnsureTestServerCertificate(ctx, ca)
	if err != nil {
		t.Fatal(err)
	}
	second, err := v.EnsureTestServerCertificate(ctx, ca)
	if err != nil || second.ID != first.ID {
		t.Fatalf("second call gave %d (%v), want the same certificate %d", second.ID, err, first.ID)
	}
	cert, _ := v.store.Certificate(ctx, first.ID)
	for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
		if err := cert.VerifyHostname(host); err != nil {
			t.Error(err)
		}
	}
	if first.KeyType != "ECDSA P-256" || first.Kind != KindServer {
		t.Errorf("%s %s", first.KeyType, first.Kind)
	}
	// Once revoked, a new one is issued.
	v.Revoke(ctx, first.ID, 4)
	third, err := v.EnsureTestServerCertificate(ctx, ca)
	if err != nil || third.ID == first.ID {
		t.Fatalf("after revoking: %d, %v", third.ID, err)
	}
}
