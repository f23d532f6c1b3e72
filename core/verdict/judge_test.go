package verdict_test

import (
	"crypto/x509"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"certdesk/core/verdict"
	"certdesk/core/verdict/verdicttest"
)

func TestMatrix(t *testing.T) {
	now := time.Now()
	m := verdicttest.MustBuild(t, now)
	for _, c := range m.Cases {
		t.Run(c.Name, func(t *testing.T) {
			got := verdict.Judge(c.Chain, m.Trust, now)
			if !slices.Equal(got.Reasons, c.Want) {
				t.Fatalf("reasons %v, want %v (%s)", got.Reasons, c.Want, strings.Join(got.Details, " | "))
			}
			// The exact nginx text is checked against a real nginx (nginx_test.go).
			if got.Verdict != c.Want[0] || (got.Verdict == verdict.OK) != (got.NginxVerify == "SUCCESS") {
				t.Errorf("verdict %s / %s", got.Verdict, got.NginxVerify)
			}
			if got.Explanation == "" || len(got.Details) < len(got.Reasons) {
				t.Errorf("explanation %q, details %v", got.Explanation, got.Details)
			}
			js, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(js), `"verdict":"`+string(c.Want[0])+`"`) || !strings.Contains(string(js), `"nginx_verify"`) {
				t.Errorf("JSON %s", js)
			}
			if len(c.Certs) > 0 && !strings.Contains(string(js), `"fingerprint_sha256"`) {
				t.Errorf("JSON lacks the identity: %s", js)
			}
		})
	}
}

// TestMatrixTwice judges every case twice with the same trust: the second
// round uses the verified-chain cache and must say exactly the same.
func TestMatrixTwice(t *testing.T) {
	now := time.Now()
	m := verdicttest.MustBuild(t, now)
	first := map[string]verdict.Result{}
	for _, c := range m.Cases {
		first[c.Name] = verdict.Judge(c.Chain, m.Trust, now)
	}
	for _, c := range m.Cases {
		again := verdict.Judge(c.Chain, m.Trust, now)
		if !slices.Equal(again.Reasons, first[c.Name].Reasons) || again.Explanation != first[c.Name].Explanation {
			t.Errorf("%s: %v then %v", c.Name, first[c.Name].Reasons, again.Reasons)
		}
	}
	// A chain verified under one set of CAs is not trusted under another.
	valid := m.Cases[0]
	other := m.Trust.Only(m.Outsider.Cert)
	if got := verdict.Judge(valid.Chain, other, now); got.Verdict != verdict.UnknownCA {
		t.Errorf("valid person under another CA: %s", got.Verdict)
	}
}

// TestSignedByAsCrypto: SignedBy says what crypto/x509's
// CheckSignatureFrom says, for every certificate of every case against
// every CA of the matrix, the first time and remembered.
func TestSignedByAsCrypto(t *testing.T) {
	m := verdicttest.MustBuild(t, time.Now())
	cas := []*x509.Certificate{m.Root.Cert, m.Intermediate.Cert, m.ServerOnlyCA.Cert, m.YoungCA.Cert, m.Lookalike.Cert, m.Outsider.Cert}
	signed := 0
	for _, c := range m.Cases {
		for _, cert := range c.Certs {
			for _, ca := range append(slices.Clone(cas), c.Certs...) {
				want := cert.CheckSignatureFrom(ca) == nil
				for round := range 2 {
					if got := verdict.SignedBy(cert, ca); got != want {
						t.Errorf("%s: %q by %q, round %d: %v, want %v", c.Name, cert.Subject.CommonName, ca.Subject.CommonName, round, got, want)
					}
				}
				if want {
					signed++
				}
			}
		}
	}
	if signed == 0 {
		t.Error("no certificate of the matrix is signed by any CA: the comparison proves nothing")
	}
}

func TestExplanations(t *testing.T) {
	now := time.Now()
	m := verdicttest.MustBuild(t, now)
	want := map[string]string{
		"look-alike CA":                    "look-alike",
		"expired":                          "expired on",
		"revoked by serial":                "keyCompromise",
		"none":                             "No client certificate",
		"EKU serverAuth only":              "serverAuth",
		"valid":                            "Valid Person's certificate is valid",
		"CA whose EKU excludes clientAuth": "Matrix Server-only CA",
	}
	for _, c := range m.Cases {
		if w, ok := want[c.Name]; ok {
			if got := verdict.Judge(c.Chain, m.Trust, now); !strings.Contains(got.Explanation, w) {
				t.Errorf("%s: explanation %q lacks %q", c.Name, got.Explanation, w)
			}
		}
	}
}

func TestRevocationLookupScales(t *testing.T) {
	now := time.Now()
	m := verdicttest.MustBuild(t, now)
	// 100,000 more revocations change nothing for the valid case and the
	// revoked one is still found.
	for i := range 100_000 {
		m.Trust.RevokeSerial(m.Root.Cert, strings.ToUpper(strings.Repeat("0", 4))+itoaHex(i), verdict.Revocation{Reason: "superseded"})
	}
	for _, c := range m.Cases {
		if c.Name == "valid" || c.Name == "revoked by serial" {
			got := verdict.Judge(c.Chain, m.Trust, now)
			if got.Verdict != c.Want[0] {
				t.Errorf("%s with 100,000 revocations: %s", c.Name, got.Verdict)
			}
		}
	}
}

func itoaHex(i int) string {
	const digits = "0123456789ABCDEF"
	out := []byte{}
	for range 6 {
		out = append([]byte{digits[i&0xf]}, out...)
		i >>= 4
	}
	return string(out)
}

func BenchmarkJudge(b *testing.B) {
	now := time.Now()
	m := verdicttest.MustBuild(b, now)
	for i := range 100_000 {
		m.Trust.RevokeSerial(m.Root.Cert, itoaHex(i), verdict.Revocation{})
	}
	chain := m.Cases[0].Chain
	b.ResetTimer()
	for b.Loop() {
		verdict.Judge(chain, m.Trust, now)
	}
}
