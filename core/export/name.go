package export

import (
	"strings"
	"unicode"
)

// FileStem turns a certificate's name into a safe file name stem:
// "Alice Example" becomes "alice-example".
func FileStem(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '_' || r == '.':
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		return "certificate"
	}
	return s
}
