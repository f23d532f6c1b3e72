package vault

import (
	"fmt"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
)

// The passphrase policy, one for the app and certctl: at least
// MinPassphraseLength characters and a zxcvbn score of at least
// MinPassphraseScore (0–4; 3 means about 10^8 guesses or more, "safely
// unguessable" against an offline attack on a slow hash such as our scrypt).
const (
	MinPassphraseLength = 8
	MinPassphraseScore  = 3
	// strengthRunes bounds the text zxcvbn looks at: its cost grows with
	// the length, and a longer passphrase is judged by its first part.
	strengthRunes = 100
)

// Strength is a passphrase's rating, for a meter in the app.
type Strength struct {
	Score   int     // zxcvbn's 0 (guessed at once) to 4 (very hard)
	Guesses float64 // zxcvbn's estimate of the guesses needed
	OK      bool    // whether CheckPassphrase accepts it
	Advice  string  // one sentence for the user
}

// RatePassphrase rates a passphrase; hints are words an attacker would try
// first (the user's name, the vault's name).
func RatePassphrase(passphrase []byte, hints ...string) Strength {
	s := string(passphrase)
	if utf8.RuneCountInString(s) > strengthRunes {
		s = string([]rune(s)[:strengthRunes])
	}
	r := zxcvbn.PasswordStrength(s, hints)
	out := Strength{Score: r.Score, Guesses: r.Guesses}
	n := utf8.RuneCount(passphrase)
	switch {
	case n < MinPassphraseLength:
		out.Advice = fmt.Sprintf("use at least %d characters; four or five unrelated words are easy to remember and hard to guess", MinPassphraseLength)
	case r.Score < MinPassphraseScore:
		out.Advice = "it is too close to common words, names, dates or patterns; add unrelated words"
	default:
		out.OK = true
		out.Advice = "strong enough"
	}
	return out
}

// CheckPassphrase applies the policy: nil, or an error wrapping
// ErrWeakPassphrase that says how to do better. Create and
// ChangePassphrase call it; only an explicitly insecure vault skips it.
func CheckPassphrase(passphrase []byte, hints ...string) error {
	s := RatePassphrase(passphrase, hints...)
	if s.OK {
		return nil
	}
	return fmt.Errorf("%w (strength %d of 4, %d needed): %s", ErrWeakPassphrase, s.Score, MinPassphraseScore, s.Advice)
}
