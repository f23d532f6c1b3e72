package verdict

// A lenient reader of ASN.1 encodings, as OpenSSL's d2i reads them: it
// accepts long-form and non-minimal lengths (BER) that Go's DER parsers
// refuse, so a certificate OpenSSL reads is read here too.

// tlv is one element: its tag byte, its content and its whole encoding.
type tlv struct {
	tag     byte
	content []byte
	full    []byte
}

// readTLV reads one element from b and returns it with the rest. Tags are
// single bytes (all X.509 needs); indefinite lengths are refused.
func readTLV(b []byte) (tlv, []byte, bool) {
	if len(b) < 2 || b[0]&0x1f == 0x1f {
		return tlv{}, nil, false
	}
	tag, l := b[0], int(b[1])
	hdr := 2
	if l&0x80 != 0 {
		n := l & 0x7f
		if n == 0 || n > 4 || len(b) < 2+n {
			return tlv{}, nil, false
		}
		l = 0
		for _, c := range b[2 : 2+n] {
			l = l<<8 | int(c)
		}
		hdr += n
	}
	if l < 0 || len(b)-hdr < l {
		return tlv{}, nil, false
	}
	return tlv{tag: tag, content: b[hdr : hdr+l], full: b[:hdr+l]}, b[hdr+l:], true
}

// readTag reads one element that must have the tag.
func readTag(b []byte, tag byte) (tlv, []byte, bool) {
	t, rest, ok := readTLV(b)
	if !ok || t.tag != tag {
		return tlv{}, nil, false
	}
	return t, rest, true
}

// elements splits content into its elements.
func elements(b []byte) ([]tlv, bool) {
	var out []tlv
	for len(b) > 0 {
		t, rest, ok := readTLV(b)
		if !ok {
			return nil, false
		}
		out = append(out, t)
		b = rest
	}
	return out, true
}

// ASN.1 tags used below.
const (
	tagBoolean     = 0x01
	tagInteger     = 0x02
	tagBitString   = 0x03
	tagOctetString = 0x04
	tagOID         = 0x06
	tagUTF8        = 0x0c
	tagPrintable   = 0x13
	tagT61         = 0x14
	tagIA5         = 0x16
	tagUTCTime     = 0x17
	tagGenTime     = 0x18
	tagVisible     = 0x1a
	tagUniversal   = 0x1c
	tagBMP         = 0x1e
	tagSequence    = 0x30
	tagSet         = 0x31
)

// encodeTLV encodes content with tag in DER.
func encodeTLV(tag byte, content []byte) []byte {
	n := len(content)
	var hdr []byte
	switch {
	case n < 0x80:
		hdr = []byte{tag, byte(n)}
	case n < 0x100:
		hdr = []byte{tag, 0x81, byte(n)}
	case n < 0x10000:
		hdr = []byte{tag, 0x82, byte(n >> 8), byte(n)}
	default:
		hdr = []byte{tag, 0x83, byte(n >> 16), byte(n >> 8), byte(n)}
	}
	return append(hdr, content...)
}

// bitsOf returns the first two bytes of a BIT STRING's content as OpenSSL
// keeps them (data[0] | data[1]<<8), and whether it could be read.
func bitsOf(b []byte) (uint32, bool) {
	t, _, ok := readTag(b, tagBitString)
	if !ok || len(t.content) == 0 {
		return 0, ok && len(t.content) == 1
	}
	data := t.content[1:]
	var v uint32
	if len(data) > 0 {
		v = uint32(data[0])
	}
	if len(data) > 1 {
		v |= uint32(data[1]) << 8
	}
	return v, true
}
