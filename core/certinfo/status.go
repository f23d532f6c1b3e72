// Package certinfo describes a certificate in the words and JSON fields
// shared by certctl, the desktop app and the test server.
package certinfo

import "time"

// Status is where a certificate stands in its life.
type Status string

// The statuses a certificate can have.
const (
	Valid       Status = "valid"
	Expiring    Status = "expiring"
	Expired     Status = "expired"
	NotYetValid Status = "not_yet_valid"
	Revoked     Status = "revoked"
)

// ExpiringWindow is how close to its end a certificate counts as expiring.
const ExpiringWindow = 30 * 24 * time.Hour

// Statuses lists every status in display order.
var Statuses = []Status{Valid, Expiring, Expired, NotYetValid, Revoked}

// Field is a fact a status rule compares.
type Field int

// The facts a status depends on.
const (
	FieldRevoked   Field = iota + 1 // whether the certificate is revoked
	FieldNotBefore                  // its start, in Unix seconds
	FieldNotAfter                   // its end, in Unix seconds
)

// Op compares a field with a bound.
type Op string

// The comparisons status rules use.
const (
	Less      Op = "<"
	LessEq    Op = "<="
	Greater   Op = ">"
	GreaterEq Op = ">="
	IsSet     Op = "is set"   // FieldRevoked only
	IsUnset   Op = "is unset" // FieldRevoked only
)

// Bound is the moment a field is compared with.
type Bound int

// The moments the rules compare with.
const (
	Now  Bound = iota + 1 // the current time, in whole seconds
	Soon                  // now plus the expiring window
)

// Cond is one comparison of a status rule.
type Cond struct {
	Field Field
	Op    Op
	Bound Bound
}

// StatusRule says when a certificate has a status: when all its
// conditions hold. The rules exclude each other, so exactly one holds for
// every certificate; the vault's queries are derived from the same table.
type StatusRule struct {
	Status Status
	All    []Cond
}

var notRevoked = Cond{Field: FieldRevoked, Op: IsUnset}

// StatusRules is the one definition of the statuses.
var StatusRules = []StatusRule{
	{Revoked, []Cond{{Field: FieldRevoked, Op: IsSet}}},
	{Expired, []Cond{notRevoked, {FieldNotAfter, Less, Now}}},
	{NotYetValid, []Cond{notRevoked, {FieldNotAfter, GreaterEq, Now}, {FieldNotBefore, Greater, Now}}},
	{Expiring, []Cond{notRevoked, {FieldNotAfter, GreaterEq, Now}, {FieldNotBefore, LessEq, Now}, {FieldNotAfter, LessEq, Soon}}},
	{Valid, []Cond{notRevoked, {FieldNotBefore, LessEq, Now}, {FieldNotAfter, Greater, Soon}}},
}

// StatusAt computes the status at time now, by StatusRules, to the second
// (as the vault stores times).
func StatusAt(notBefore, notAfter time.Time, revoked bool, now time.Time) Status {
	return StatusWithin(notBefore, notAfter, revoked, now, ExpiringWindow)
}

// StatusWithin is StatusAt with another expiring window.
func StatusWithin(notBefore, notAfter time.Time, revoked bool, now time.Time, window time.Duration) Status {
	facts := map[Field]int64{FieldNotBefore: notBefore.Unix(), FieldNotAfter: notAfter.Unix()}
	bounds := map[Bound]int64{Now: now.Unix(), Soon: now.Add(window).Unix()}
	for _, rule := range StatusRules {
		if rule.holds(facts, revoked, bounds) {
			return rule.Status
		}
	}
	return Valid // unreachable: the rules cover every case (see the tests)
}

func (r StatusRule) holds(facts map[Field]int64, revoked bool, bounds map[Bound]int64) bool {
	for _, c := range r.All {
		if !c.holds(facts, revoked, bounds) {
			return false
		}
	}
	return true
}

func (c Cond) holds(facts map[Field]int64, revoked bool, bounds map[Bound]int64) bool {
	v, b := facts[c.Field], bounds[c.Bound]
	switch c.Op {
	case IsSet:
		return revoked
	case IsUnset:
		return !revoked
	case Less:
		return v < b
	case LessEq:
		return v <= b
	case Greater:
		return v > b
	case GreaterEq:
		return v >= b
	}
	return false
}

// RuleFor is the rule of one status; ok is false for an unknown status.
func RuleFor(s Status) (StatusRule, bool) {
	for _, r := range StatusRules {
		if r.Status == s {
			return r, true
		}
	}
	return StatusRule{}, false
}

// DaysLeft is the number of whole days until notAfter (negative once past).
func DaysLeft(notAfter, now time.Time) int {
	d := notAfter.Sub(now)
	days := int(d / (24 * time.Hour))
	if d < 0 && d%(24*time.Hour) != 0 {
		days--
	}
	return days
}
