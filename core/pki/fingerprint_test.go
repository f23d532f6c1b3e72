package pki

import (
	"math/big"
	"testing"
)

func TestNormalizeHex(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"ab:cd:EF", "ABCDEF", true},
		{"AB CD EF", "ABCDEF", true},
		{"sha256 Fingerprint=AB:CD", "ABCD", true},
		{"SHA256:abcd", "ABCD", true},
		{"0x0A1b", "0A1B", true},
		{"ab-cd", "ABCD", true},
		{"xyz", "", false},
		{"", "", false},
		{":::", "", false},
	}
	for _, tt := range tests {
		got, err := NormalizeHex(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("NormalizeHex(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseFingerprintSHA256(t *testing.T) {
	const colon = "32:F1:9F:A5:ED:EA:8F:2B:1A:55:2B:ED:75:88:23:0C:FE:B1:1B:08:E6:10:6A:BE:AF:01:23:AD:3A:A9:91:A1"
	for _, in := range []string{colon, "32f19fa5edea8f2b1a552bed7588230cfeb11b08e6106abeaf0123ad3aa991a1", "sha256 Fingerprint=" + colon} {
		got, err := ParseFingerprintSHA256(in)
		if err != nil || got != colon {
			t.Errorf("ParseFingerprintSHA256(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFingerprintSHA256("32:F1"); err == nil {
		t.Error("a short fingerprint was accepted")
	}
}

func TestSerialHex(t *testing.T) {
	tests := []struct {
		n    *big.Int
		want string
	}{
		{big.NewInt(0), "00"}, {big.NewInt(10), "0A"}, {big.NewInt(0x1234), "1234"}, {big.NewInt(0xABCDE), "0ABCDE"}, {nil, ""},
	}
	for _, tt := range tests {
		if got := SerialHex(tt.n); got != tt.want {
			t.Errorf("SerialHex(%v) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestColonHex(t *testing.T) {
	if got := ColonHex([]byte{0x0a, 0xff, 0x00}); got != "0A:FF:00" {
		t.Errorf("ColonHex = %q", got)
	}
	if got := HexToColon("ABCDE"); got != "AB:CD:E" {
		t.Errorf("HexToColon = %q", got)
	}
}
