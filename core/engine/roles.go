package engine

import (
	"slices"
	"strings"
)

// What each role of a team vault may do, in one table. The database
// enforces the roles (grants and row-level security, core/vault's team
// schema); this table says the same in advance, so that the faces can
// hide what a role cannot do and say why, instead of letting the admin
// try and be refused. On a vault file there are no roles: everything is
// allowed.

// Action is something an admin may or may not do.
type Action int

// The actions the roles are told apart by.
const (
	// ActRead: read certificates, CAs and the log, verify, check the
	// vault, export certificates without their key, change one's own
	// passphrase. Every role.
	ActRead Action = iota
	// ActIssue: issue person and server certificates, sign CSRs, issue
	// in bulk.
	ActIssue
	// ActRenew: renew a certificate (a new key, signed by its CA).
	ActRenew
	// ActRevoke: revoke and unrevoke certificates, deny fingerprints.
	ActRevoke
	// ActExportKey: export a private key (PKCS#12, key, bundle, an
	// easy-rsa folder, a server kit).
	ActExportKey
	// ActSignCRL: sign and publish a CA's CRL.
	ActSignCRL
	// ActTestServer: start the test server (its key is issued and read
	// from the vault) and connect as a person (their key).
	ActTestServer
	// ActManageCAs: create, import and trust CAs, issuing CAs, requests
	// to an offline root and their installation, intermediates from a CSR.
	ActManageCAs
	// ActEditProfiles: add, remove and assign issuance profiles.
	ActEditProfiles
	// ActManageAdmins: add and remove admins (and so rotate the key).
	ActManageAdmins
)

// right is one row of the table: the least role that may, and the action
// in words, as a verb ("issue") and as a gerund ("issuing").
type right struct {
	least  string
	verb   string
	gerund string
}

// rights is the table. The roles are ordered: an owner may do all an
// issuer may, an issuer all an auditor may.
var rights = map[Action]right{
	ActRead:         {RoleAuditor, "read, verify and see the log", "reading"},
	ActIssue:        {RoleIssuer, "issue", "issuing"},
	ActRenew:        {RoleIssuer, "renew", "renewing"},
	ActRevoke:       {RoleIssuer, "revoke", "revoking"},
	ActExportKey:    {RoleIssuer, "export keys", "exporting keys"},
	ActSignCRL:      {RoleIssuer, "sign CRLs", "signing CRLs"},
	ActTestServer:   {RoleIssuer, "run the test server", "running the test server"},
	ActManageCAs:    {RoleOwner, "manage CAs", "managing CAs"},
	ActEditProfiles: {RoleOwner, "edit profiles", "editing profiles"},
	ActManageAdmins: {RoleOwner, "manage admins", "managing admins"},
}

// roles are the roles, least first.
var roles = []string{RoleAuditor, RoleIssuer, RoleOwner}

// Actions lists every action, in the table's order.
func Actions() []Action {
	out := make([]Action, 0, len(rights))
	for a := ActRead; a <= ActManageAdmins; a++ {
		out = append(out, a)
	}
	return out
}

// roleRank orders the roles; an unknown role ranks below every one.
func roleRank(role string) int {
	for i, r := range roles {
		if r == role {
			return i + 1
		}
	}
	return 0
}

// RoleMay reports whether an admin with role may do a. The role "" (a
// vault file, which has no admins) may do everything.
func RoleMay(role string, a Action) bool {
	if role == "" {
		return true
	}
	r, ok := rights[a]
	return ok && roleRank(role) >= roleRank(r.least)
}

// ActionWords names a as a gerund: "issuing", "exporting keys".
func ActionWords(a Action) string { return rights[a].gerund }

// rolesFrom names the roles from least up, in words: "an owner", "an
// issuer or owner", "any admin".
func rolesFrom(least string) string {
	switch least {
	case RoleOwner:
		return "an owner"
	case RoleIssuer:
		return "an issuer or owner"
	}
	return "any admin"
}

// RoleSummary says in one sentence what the admin name, with role, may
// do and what needs another role, e.g. "Signed in as ada (auditor): you
// can read, verify and see the log; issuing, … need an issuer or owner."
// It is empty on a vault file (role "").
func RoleSummary(name, role string) string {
	if role == "" {
		return ""
	}
	var can []string
	for _, a := range Actions() {
		if rights[a].least == role {
			can = append(can, rights[a].verb)
		}
	}
	parts := "you can " + joinWords(can)
	if why := WhyNot(role, Actions()...); why != "" {
		parts += "; " + why
	} else {
		parts = "you can do everything, admins included"
	}
	return "Signed in as " + name + " (" + role + "): " + parts + "."
}

// WhyNot says which of actions role may not do and who may, grouped by
// the least role that may: "revoking and renewing need an issuer or
// owner; managing CAs needs an owner". Empty when role may do them all.
func WhyNot(role string, actions ...Action) string {
	need := map[string][]string{}
	for _, a := range Actions() { // in the table's order, each once
		if r := rights[a]; slices.Contains(actions, a) && !RoleMay(role, a) {
			need[r.least] = append(need[r.least], r.gerund)
		}
	}
	var parts []string
	for _, least := range roles {
		if words := need[least]; len(words) == 1 {
			parts = append(parts, words[0]+" needs "+rolesFrom(least))
		} else if len(words) > 1 {
			parts = append(parts, joinWords(words)+" need "+rolesFrom(least))
		}
	}
	return strings.Join(parts, "; ")
}

// joinWords joins "a", "b", "c" as "a, b and c".
func joinWords(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// May reports whether the connected admin may do a; on a vault file
// always.
func (e *Engine) May(a Action) bool {
	_, role := e.Me()
	return RoleMay(role, a)
}
