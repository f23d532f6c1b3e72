package verdict

import (
	"bytes"
	"strings"
)

// generalName is a GeneralName: its context tag number and value.
type generalName struct {
	tag   int    // 0 otherName … 8 registeredID
	value []byte // IA5 text, IP bytes, …
	dir   name   // for directoryName
}

func parseGeneralNames(b []byte) []generalName {
	items, _ := elements(b)
	out := make([]generalName, 0, len(items))
	for _, it := range items {
		g := generalName{tag: int(it.tag & 0x1f), value: it.content}
		if g.tag == 4 {
			g.dir = parseName(it.content)
		}
		out = append(out, g)
	}
	return out
}

// nameConstraints is a NameConstraints extension.
type nameConstraints struct {
	permitted, excluded []subtree
}

type subtree struct {
	base      generalName
	minmaxBad bool // a minimum other than 0, or a maximum
}

func parseNameConstraints(v []byte) (*nameConstraints, bool) {
	seq, _, ok := readTag(v, tagSequence)
	if !ok {
		return nil, false
	}
	items, ok := elements(seq.content)
	if !ok {
		return nil, false
	}
	nc := &nameConstraints{}
	for _, it := range items {
		trees, ok := elements(it.content)
		if !ok {
			return nil, false
		}
		var list []subtree
		for _, t := range trees {
			parts, ok := elements(t.content)
			if !ok || len(parts) == 0 {
				return nil, false
			}
			st := subtree{base: parseGeneralNames(parts[0].full)[0]}
			for _, p := range parts[1:] {
				if p.tag == 0x81 || (p.tag == 0x80 && strings.Trim(string(p.content), "\x00") != "") {
					st.minmaxBad = true
				}
			}
			list = append(list, st)
		}
		switch it.tag {
		case 0xa0:
			nc.permitted = list
		case 0xa1:
			nc.excluded = list
		}
	}
	return nc, true
}

const oidEmail = "1.2.840.113549.1.9.1"

// check is NAME_CONSTRAINTS_check: 0 or the OpenSSL error.
func (nc *nameConstraints) check(x *xcert) int {
	if x.subject.entries > 0 {
		if r := nc.match(generalName{tag: 4, dir: x.subject}); r != 0 {
			return r
		}
		for _, a := range x.subject.values(oidEmail) {
			if a.tag != tagIA5 {
				return errUnsupportedNameSyntax
			}
			if r := nc.match(generalName{tag: 1, value: a.value}); r != 0 {
				return r
			}
		}
	}
	for _, g := range x.sans {
		if r := nc.match(g); r != 0 {
			return r
		}
	}
	return 0
}

// checkCN is NAME_CONSTRAINTS_check_CN: common names that look like host
// names are held to the DNS constraints.
func (nc *nameConstraints) checkCN(x *xcert) int {
	for _, a := range x.subject.values("2.5.4.3") {
		s, ok := toUTF8(a.tag, a.value)
		if !ok {
			return errUnsupportedNameSyntax
		}
		if strings.ContainsRune(s, 0) {
			return errUnsupportedNameSyntax
		}
		if !looksLikeHost(s) {
			continue
		}
		if r := nc.match(generalName{tag: 2, value: []byte(s)}); r != 0 {
			return r
		}
	}
	return 0
}

// looksLikeHost is cn2dnsid's test.
func looksLikeHost(s string) bool {
	host := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' {
			continue
		}
		if i > 0 && i < len(s)-1 {
			if c == '-' {
				continue
			}
			if c == '.' && s[i+1] != '.' && s[i-1] != '-' && s[i+1] != '-' {
				host = true
				continue
			}
		}
		return false
	}
	return host
}

// match is nc_match.
func (nc *nameConstraints) match(g generalName) int {
	state := 0
	for _, st := range nc.permitted {
		if st.base.tag != g.tag {
			continue
		}
		if st.minmaxBad {
			return errSubtreeMinMax
		}
		if state == 2 {
			continue
		}
		state = 1
		r := matchSingle(g, st.base)
		if r == 0 {
			state = 2
		} else if r != errPermittedViolation {
			return r
		}
	}
	if state == 1 {
		return errPermittedViolation
	}
	for _, st := range nc.excluded {
		if st.base.tag != g.tag {
			continue
		}
		if st.minmaxBad {
			return errSubtreeMinMax
		}
		r := matchSingle(g, st.base)
		if r == 0 {
			return errExcludedViolation
		} else if r != errPermittedViolation {
			return r
		}
	}
	return 0
}

func matchSingle(g, base generalName) int {
	switch g.tag {
	case 4:
		if len(base.dir.canon) > len(g.dir.canon) || !bytes.Equal(base.dir.canon, g.dir.canon[:len(base.dir.canon)]) {
			return errPermittedViolation
		}
		return 0
	case 2:
		return matchDNS(g.value, base.value)
	case 1:
		return matchEmail(g.value, base.value)
	case 6:
		return matchURI(g.value, base.value)
	case 7:
		return matchIP(g.value, base.value)
	}
	return errUnsupportedConstraintType
}

func matchDNS(dns, base []byte) int {
	if len(base) == 0 {
		return 0
	}
	if len(dns) < len(base) {
		return errPermittedViolation
	}
	tail := dns[len(dns)-len(base):]
	if len(dns) > len(base) && base[0] != '.' && dns[len(dns)-len(base)-1] != '.' {
		return errPermittedViolation
	}
	if !bytes.EqualFold(base, tail) {
		return errPermittedViolation
	}
	return 0
}

func matchEmail(eml, base []byte) int {
	emlAt := bytes.LastIndexByte(eml, '@')
	baseAt := bytes.LastIndexByte(base, '@')
	if emlAt < 0 {
		return errUnsupportedNameSyntax
	}
	if baseAt < 0 && len(base) > 0 && base[0] == '.' {
		if len(eml) > len(base) && bytes.EqualFold(base, eml[len(eml)-len(base):]) {
			return 0
		}
		return errPermittedViolation
	}
	baseHost := base
	if baseAt >= 0 {
		if baseAt != 0 {
			if baseAt != emlAt || !bytes.Equal(base[:baseAt], eml[:emlAt]) {
				return errPermittedViolation
			}
		}
		baseHost = base[baseAt+1:]
	}
	if !bytes.EqualFold(baseHost, eml[emlAt+1:]) {
		return errPermittedViolation
	}
	return 0
}

func matchURI(uri, base []byte) int {
	s := string(uri)
	i := strings.Index(s, ":")
	if i < 0 || !strings.HasPrefix(s[i+1:], "//") {
		return errUnsupportedNameSyntax
	}
	host := s[i+3:]
	if j := strings.IndexAny(host, ":/"); j >= 0 {
		host = host[:j]
	}
	if host == "" {
		return errUnsupportedNameSyntax
	}
	b := string(base)
	if strings.HasPrefix(b, ".") {
		if len(host) > len(b) && strings.EqualFold(host[len(host)-len(b):], b) {
			return 0
		}
		return errPermittedViolation
	}
	if !strings.EqualFold(b, host) {
		return errPermittedViolation
	}
	return 0
}

func matchIP(ip, base []byte) int {
	if len(base) != 8 && len(base) != 32 || len(ip)*2 != len(base) {
		return errPermittedViolation
	}
	addr, mask := base[:len(ip)], base[len(ip):]
	for i := range ip {
		if ip[i]&mask[i] != addr[i]&mask[i] {
			return errPermittedViolation
		}
	}
	return 0
}
