package vault

import (
	"fmt"
	"strings"
	"time"

	"certdesk/core/certinfo"
)

// statusColumns are the certs table's columns for the facts a status
// depends on.
var statusColumns = map[certinfo.Field]string{
	certinfo.FieldRevoked:   "revoked_at",
	certinfo.FieldNotBefore: "not_before",
	certinfo.FieldNotAfter:  "not_after",
}

// statusSQL is the SQL condition of one status, derived from
// certinfo.StatusRules, with its arguments; prefix qualifies the columns
// ("c." or "").
func statusSQL(s certinfo.Status, prefix string, now time.Time, window time.Duration) (string, []any, error) {
	rule, ok := certinfo.RuleFor(s)
	if !ok {
		return "", nil, fmt.Errorf("unknown status %q: use valid, expiring, expired, not_yet_valid or revoked", s)
	}
	bounds := map[certinfo.Bound]int64{certinfo.Now: now.Unix(), certinfo.Soon: now.Add(window).Unix()}
	var conds []string
	var args []any
	for _, c := range rule.All {
		col := prefix + statusColumns[c.Field]
		switch c.Op {
		case certinfo.IsSet:
			conds = append(conds, col+" IS NOT NULL")
		case certinfo.IsUnset:
			conds = append(conds, col+" IS NULL")
		default:
			conds = append(conds, fmt.Sprintf("%s %s ?", col, c.Op))
			args = append(args, bounds[c.Bound])
		}
	}
	return "(" + strings.Join(conds, " AND ") + ")", args, nil
}
