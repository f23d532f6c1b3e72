package export

import (
	"crypto/rand"
	"strings"
)

// passwordAlphabet leaves out characters people confuse (0/O, 1/l/I).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// GeneratePassword returns a random password of 20 characters (100 bits)
// in four groups, easy to read out and type: "k7wq2-mzp3x-…".
func GeneratePassword() string {
	var b strings.Builder
	for i, c := range rand.Text()[:20] {
		if i > 0 && i%5 == 0 {
			b.WriteByte('-')
		}
		// rand.Text uses the base32 alphabet A-Z2-7; map it onto ours.
		b.WriteByte(passwordAlphabet[base32Index(c)])
	}
	return b.String()
}

func base32Index(c rune) int {
	if c >= 'A' && c <= 'Z' {
		return int(c - 'A')
	}
	return int(c-'2') + 26
}
