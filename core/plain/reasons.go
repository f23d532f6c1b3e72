package plain

// Reason says an RFC 5280 revocation reason name (as certctl and openssl
// spell it) in plain words.
func Reason(name string) string {
	switch name {
	case "", "unspecified":
		return "no reason given"
	case "keyCompromise":
		return "its private key may have been stolen or exposed"
	case "cACompromise":
		return "its CA's key may have been stolen or exposed"
	case "affiliationChanged":
		return "the person changed role or left the organisation"
	case "superseded":
		return "it was replaced by a newer certificate"
	case "cessationOfOperation":
		return "it is no longer needed"
	case "certificateHold":
		return "it is on hold for now"
	case "privilegeWithdrawn":
		return "its holder's rights were withdrawn"
	case "aACompromise":
		return "the attribute authority's key may have been exposed"
	}
	return name
}
