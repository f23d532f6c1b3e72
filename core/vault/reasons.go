package vault

import (
	"fmt"
	"strings"
)

// RFC 5280 CRL reason codes, by the names openssl and certctl use.
var reasonCodes = []struct {
	code int
	name string
}{
	{0, "unspecified"},
	{1, "keyCompromise"},
	{2, "cACompromise"},
	{3, "affiliationChanged"},
	{4, "superseded"},
	{5, "cessationOfOperation"},
	{6, "certificateHold"},
	{9, "privilegeWithdrawn"},
	{10, "aACompromise"},
}

// ReasonName gives the RFC 5280 name of a reason code.
func ReasonName(code int) string {
	for _, r := range reasonCodes {
		if r.code == code {
			return r.name
		}
	}
	return fmt.Sprintf("reason%d", code)
}

// ParseReason reads a reason name (any case) or its number.
func ParseReason(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	for _, r := range reasonCodes {
		if strings.EqualFold(r.name, s) || fmt.Sprint(r.code) == s {
			return r.code, nil
		}
	}
	return 0, fmt.Errorf("unknown revocation reason %q: use one of %s", s, strings.Join(ReasonNames(), ", "))
}

// ReasonNames lists the reason names.
func ReasonNames() []string {
	out := make([]string, len(reasonCodes))
	for i, r := range reasonCodes {
		out[i] = r.name
	}
	return out
}
