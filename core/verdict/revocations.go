package verdict

import "crypto/sha256"

// revocations holds revocations by key with nothing per entry that the
// garbage collector must follow: a server's trust holds every revocation
// of its CAs (100,000 in the benchmark) for as long as it serves, and a
// map of strings would be scanned again at every collection. A key is kept
// as its SHA-256 and a revocation once per run of equal ones, with one
// copy of each reason.
type revocations struct {
	at       map[[32]byte]uint32 // the key's SHA-256 → its revocation in distinct
	distinct []Revocation
	reasons  map[string]string // while building: the copy of each reason
}

func newRevocations() *revocations {
	return &revocations{at: map[[32]byte]uint32{}, reasons: map[string]string{}}
}

// put records key's revocation. Call it only while building.
func (s *revocations) put(key string, r Revocation) {
	if reason, ok := s.reasons[r.Reason]; ok {
		r.Reason = reason
	} else {
		s.reasons[r.Reason] = r.Reason
	}
	if n := len(s.distinct); n == 0 || s.distinct[n-1] != r {
		s.distinct = append(s.distinct, r)
	}
	s.at[sha256.Sum256([]byte(key))] = uint32(len(s.distinct) - 1)
}

func (s *revocations) get(key string) (Revocation, bool) {
	i, ok := s.at[sha256.Sum256([]byte(key))]
	if !ok {
		return Revocation{}, false
	}
	return s.distinct[i], true
}

func (s *revocations) len() int { return len(s.at) }
