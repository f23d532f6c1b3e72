package plain

// Usage says what an extended key usage or key usage name (as certinfo
// lists them) lets a certificate do.
func Usage(name string) string {
	switch name {
	case "clientAuth":
		return "logging in as a client"
	case "serverAuth":
		return "identifying a server"
	case "codeSigning":
		return "signing programs"
	case "emailProtection":
		return "signing and encrypting e-mail"
	case "timeStamping":
		return "time-stamping"
	case "OCSPSigning":
		return "signing revocation answers (OCSP)"
	case "any":
		return "any purpose"
	case "digitalSignature":
		return "making signatures (as a TLS login does)"
	case "keyAgreement":
		return "agreeing keys"
	case "keyEncipherment":
		return "encrypting keys"
	case "keyCertSign":
		return "signing certificates (a CA)"
	case "cRLSign":
		return "signing revocation lists (a CA)"
	case "nonRepudiation":
		return "non-repudiation signatures"
	}
	return name
}

// Usages says a list of usage names in plain words, joined with "and".
func Usages(names []string) string {
	if len(names) == 0 {
		return "no purpose named"
	}
	words := make([]string, len(names))
	for i, n := range names {
		words[i] = Usage(n)
	}
	return joinAnd(words)
}

func joinAnd(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	out := words[0]
	for _, w := range words[1 : len(words)-1] {
		out += ", " + w
	}
	return out + " and " + words[len(words)-1]
}
