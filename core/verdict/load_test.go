package verdict_test

import (
	"encoding/pem"
	"errors"
	"slices"
	"testing"
	"time"

	"certdesk/core/verdict"
)

// TestSameVerdictPEMAndDER reads every corpus leaf from PEM and from DER
// (the damaged ones included) and wants the same judgement.
func TestSameVerdictPEMAndDER(t *testing.T) {
	now := time.Now()
	w := buildCorpus(now)
	trusts := map[*profile]*verdict.Trust{}
	for _, s := range w.scenarios {
		tr, ok := trusts[s.prof]
		if !ok {
			var cas [][]byte
			for _, c := range s.prof.cas {
				cas = append(cas, c.der)
			}
			var err error
			tr, err = verdict.LoadTrust(pemOf("CERTIFICATE", cas...), pemOf("X509 CRL", s.prof.crls...), s.prof.depth)
			if err != nil {
				t.Fatal(err)
			}
			trusts[s.prof] = tr
		}
		leaf := s.presented()[0]
		fromPEM, err := verdict.ParseChain(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf}))
		if err != nil {
			t.Fatalf("%s: PEM: %v", s.name, err)
		}
		fromDER, err := verdict.ParseChain(leaf)
		if err != nil {
			t.Fatalf("%s: DER: %v", s.name, err)
		}
		a, b := verdict.Judge(fromPEM, tr, now), verdict.Judge(fromDER, tr, now)
		if !slices.Equal(a.Reasons, b.Reasons) || a.NginxVerify != b.NginxVerify || a.Explanation != b.Explanation {
			t.Errorf("%s: PEM %v %q, DER %v %q", s.name, a.Reasons, a.NginxVerify, b.Reasons, b.NginxVerify)
		}
		if s.raw != nil && a.Verdict != verdict.Malformed {
			t.Errorf("%s: damaged leaf judged %s", s.name, a.Verdict)
		}
	}
}

func TestParseChainErrors(t *testing.T) {
	for _, in := range []string{"", "   \n", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"} {
		if _, err := verdict.ParseChain([]byte(in)); !errors.Is(err, verdict.ErrNoCertificate) {
			t.Errorf("%q: %v", in, err)
		}
	}
	if _, err := verdict.LoadTrust([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), nil, 2); err == nil {
		t.Error("a damaged trusted CA was accepted")
	}
}
