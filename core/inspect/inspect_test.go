package inspect

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"certdesk/core/pki"
	"certdesk/core/pki/pkitest"
)

func TestInspectKinds(t *testing.T) {
	tests, revokedSerial := samples(t, time.Now())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Inspect(tt.data, Options{Password: []byte(tt.password)})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range items {
				switch {
				case it.Certificate != nil:
					got = append(got, "certificate:"+it.Certificate.CommonName)
				case it.Key != nil:
					got = append(got, it.Key.Kind+":"+it.Key.MatchesCertificate)
				case it.CSR != nil:
					got = append(got, "csr:"+it.CSR.CommonName)
					if !it.CSR.SignatureValid {
						t.Error("valid CSR signature reported invalid")
					}
				case it.CRL != nil:
					got = append(got, "crl:"+it.CRL.Number)
					if len(it.CRL.Revoked) != 1 || it.CRL.Revoked[0].Serial != revokedSerial {
						t.Errorf("CRL entries %+v", it.CRL.Revoked)
					}
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if _, err := json.Marshal(items); err != nil {
				t.Error(err)
			}
		})
	}
	for _, tt := range tests {
		if tt.password == "" {
			continue
		}
		if _, err := Inspect(tt.data, Options{}); !errors.Is(err, pki.ErrPasswordNeeded) {
			t.Errorf("%s, no password: err = %v, want ErrPasswordNeeded", tt.name, err)
		}
		if _, err := Inspect(tt.data, Options{Password: []byte("wrong")}); !errors.Is(err, pki.ErrWrongPassword) {
			t.Errorf("%s, wrong password: err = %v, want ErrWrongPassword", tt.name, err)
		}
	}
}

func TestInspectCertificateFields(t *testing.T) {
	now := time.Now()
	ca := pkitest.CA(t, pki.CARequest{Name: pki.Name{CommonName: "CA"}}, now)
	items, err := Inspect(ca.Cert.Raw, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(items[0])
	var fields map[string]any
	json.Unmarshal(js, &fields)
	for _, k := range []string{"common_name", "subject", "issuer", "issuer_common_name", "serial", "not_before", "not_after", "status", "fingerprint_sha256", "fingerprint_sha1", "key_type", "emails", "dns_names", "ip_addresses", "is_ca"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, js)
		}
	}
	if fields["is_ca"] != true || fields["status"] != "valid" || fields["key_type"] != "ECDSA P-256" {
		t.Errorf("fields: %s", js)
	}
	if _, err := time.Parse(time.RFC3339, fields["not_after"].(string)); err != nil {
		t.Errorf("not_after is not RFC 3339: %v", err)
	}
}

func TestInspectBadInput(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"text", []byte("hello, world"), "not a certificate"},
		{"huge", make([]byte, pki.MaxInputSize+1), "far smaller"},
		{"bad PEM body", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), "malformed certificate"},
		{"unknown block", []byte("-----BEGIN WIDGET-----\nAAAA\n-----END WIDGET-----\n"), "unknown PEM block type"},
		{"DER garbage", []byte{0x30, 0x03, 0x02, 0x01, 0x05}, "not a certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Inspect(tt.data, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
