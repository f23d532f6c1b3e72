package verdict

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// name is a distinguished name as OpenSSL compares it: canon is the
// canonical encoding X509_NAME_cmp compares (RFC 5280 §7.1: string types
// folded to UTF-8, ASCII lower-cased, spaces trimmed and collapsed).
type name struct {
	canon   []byte
	entries int
	attrs   []attr
	ok      bool
}

// attr is one attribute of a name, with its value's tag and bytes.
type attr struct {
	oid   string // dotted
	tag   byte
	value []byte
}

// canonTags are the string types OpenSSL folds (ASN1_MASK_CANON).
func canonTag(tag byte) bool {
	switch tag {
	case tagUTF8, tagBMP, tagUniversal, tagPrintable, tagT61, tagIA5, tagVisible:
		return true
	}
	return false
}

// parseName reads a Name (the whole SEQUENCE encoding).
func parseName(raw []byte) name {
	seq, _, ok := readTag(raw, tagSequence)
	if !ok {
		return name{}
	}
	rdns, ok := elements(seq.content)
	if !ok {
		return name{}
	}
	n := name{ok: true}
	for _, rdn := range rdns {
		if rdn.tag != tagSet {
			return name{}
		}
		atvs, ok := elements(rdn.content)
		if !ok || len(atvs) == 0 {
			return name{}
		}
		var set [][]byte
		for _, atv := range atvs {
			parts, ok := elements(atv.content)
			if !ok || atv.tag != tagSequence || len(parts) != 2 || parts[0].tag != tagOID {
				return name{}
			}
			n.attrs = append(n.attrs, attr{oid: oidString(parts[0].content), tag: parts[1].tag, value: parts[1].content})
			n.entries++
			value := parts[1].full
			if canonTag(parts[1].tag) {
				s, ok := toUTF8(parts[1].tag, parts[1].content)
				if !ok {
					return name{}
				}
				value = encodeTLV(tagUTF8, []byte(canonString(s)))
			}
			set = append(set, encodeTLV(tagSequence, append(append([]byte{}, parts[0].full...), value...)))
		}
		slices.SortFunc(set, bytes.Compare)
		n.canon = append(n.canon, encodeTLV(tagSet, bytes.Join(set, nil))...)
	}
	return n
}

// equal is X509_NAME_cmp(a, b) == 0.
func (a name) equal(b name) bool { return a.ok && b.ok && bytes.Equal(a.canon, b.canon) }

// toUTF8 converts a string value of the given type to UTF-8, as
// ASN1_STRING_to_UTF8 does (T61 is taken as Latin-1).
func toUTF8(tag byte, b []byte) (string, bool) {
	switch tag {
	case tagBMP:
		if len(b)%2 != 0 {
			return "", false
		}
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
		return string(utf16.Decode(u)), true
	case tagUniversal:
		if len(b)%4 != 0 {
			return "", false
		}
		var sb strings.Builder
		for i := 0; i < len(b); i += 4 {
			sb.WriteRune(rune(uint32(b[i])<<24 | uint32(b[i+1])<<16 | uint32(b[i+2])<<8 | uint32(b[i+3])))
		}
		return sb.String(), true
	case tagUTF8:
		return string(b), utf8.Valid(b)
	default: // one byte per character
		var sb strings.Builder
		for _, c := range b {
			sb.WriteRune(rune(c))
		}
		return sb.String(), true
	}
}

func isSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }

// canonString folds a value as asn1_string_canon does.
func canonString(s string) string {
	b := []byte(s)
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c >= 0x80:
			out = append(out, c)
			i++
		case isSpace(c):
			out = append(out, ' ')
			for i < len(b) && isSpace(b[i]) {
				i++
			}
		default:
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			out = append(out, c)
			i++
		}
	}
	return string(out)
}

// oidString prints an OBJECT IDENTIFIER's content in dotted form.
func oidString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	var sb strings.Builder
	var v uint64
	first := true
	for _, c := range b {
		v = v<<7 | uint64(c&0x7f)
		if c&0x80 != 0 {
			continue
		}
		if first {
			a := min(v/40, 2)
			sb.WriteString(itoa(a))
			sb.WriteByte('.')
			sb.WriteString(itoa(v - 40*a))
			first = false
		} else {
			sb.WriteByte('.')
			sb.WriteString(itoa(v))
		}
		v = 0
	}
	return sb.String()
}

func itoa(v uint64) string {
	if v == 0 {
		return "0"
	}
	var d [20]byte
	i := len(d)
	for v > 0 {
		i--
		d[i] = byte('0' + v%10)
		v /= 10
	}
	return string(d[i:])
}

// values returns the values of the attributes with the OID, as UTF-8.
func (n name) values(oid string) []attr {
	var out []attr
	for _, a := range n.attrs {
		if a.oid == oid {
			out = append(out, a)
		}
	}
	return out
}
