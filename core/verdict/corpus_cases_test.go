package verdict_test

import (
	//lint:ignore SA1019 weak DSA CAs are part of the corpus
	"crypto/dsa"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"time"
)

// profile is one nginx configuration: the trusted CAs
// (ssl_client_certificate), the CRLs (ssl_crl) and ssl_verify_depth.
type profile struct {
	cas   []*cert
	crls  [][]byte
	depth int
	deny  [][]byte // certificates on Certdesk's fingerprint deny-list
}

// scenario is one client presenting a chain to one configuration.
type scenario struct {
	cat, name string
	chain     []*cert
	raw       [][]byte // bytes a TLS client cannot present (malformed)
	prof      *profile
	lookalike bool // the sentence must speak of a look-alike
}

func (s scenario) presented() [][]byte {
	if s.raw != nil {
		return s.raw
	}
	out := make([][]byte, len(s.chain))
	for i, c := range s.chain {
		out[i] = c.der
	}
	return out
}

type world struct {
	now       time.Time
	scenarios []scenario
	n         int
	rsa2048   []keyPair
	rsa1024   []keyPair
	dsa1024   keyPair
}

func ecKey() keyPair {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return keyPair{signer: k}
}

func rsaKey(bits int) keyPair {
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic(err)
	}
	return keyPair{signer: k}
}

func (w *world) add(cat, name string, prof *profile, chain ...*cert) *scenario {
	w.scenarios = append(w.scenarios, scenario{cat: cat, name: name, chain: chain, prof: prof})
	return &w.scenarios[len(w.scenarios)-1]
}

type mod func(*tmpl)

func (w *world) valid() (asnTime, asnTime) {
	return utc(w.now.Add(-time.Hour)), utc(w.now.Add(30 * 24 * time.Hour))
}

// ca makes a CA certificate: EC key, CA:TRUE, keyCertSign and cRLSign.
func (w *world) ca(name string, issuer *cert, mods ...mod) *cert {
	t := tmpl{subject: dn(org("Corpus"), cn(name)), key: ecKey(), sig: sha256Sig,
		notBefore: utc(w.now.Add(-24 * time.Hour)), notAfter: utc(w.now.Add(365 * 24 * time.Hour)),
		exts: []ext{basicConstraints(true, -1), keyUsage(kuCertSign | kuCRLSign)}}
	for _, m := range mods {
		m(&t)
	}
	c := build(t, issuer, nil)
	c.name = name
	return c
}

// leaf makes a client certificate: EC key, clientAuth, digitalSignature.
func (w *world) leaf(issuer *cert, mods ...mod) *cert {
	w.n++
	nb, na := w.valid()
	t := tmpl{subject: dn(org("Corpus"), cn(fmt.Sprintf("Client %d", w.n))), key: ecKey(), sig: sha256Sig,
		notBefore: nb, notAfter: na, exts: []ext{extKeyUsage(ekuClient), keyUsage(kuDS)}}
	for _, m := range mods {
		m(&t)
	}
	return build(t, issuer, nil)
}

// Modifiers.
func withExts(e ...ext) mod        { return func(t *tmpl) { t.exts = e } }
func addExts(e ...ext) mod         { return func(t *tmpl) { t.exts = append(t.exts, e...) } }
func withSubject(n []byte) mod     { return func(t *tmpl) { t.subject = n } }
func withIssuer(n []byte) mod      { return func(t *tmpl) { t.issuer = n } }
func withKey(k keyPair) mod        { return func(t *tmpl) { t.key = k } }
func withSig(s sigName) mod        { return func(t *tmpl) { t.sig = s } }
func withTimes(nb, na asnTime) mod { return func(t *tmpl) { t.notBefore, t.notAfter = nb, na } }
func withSerial(s []byte) mod      { return func(t *tmpl) { t.serial = s } }
func version1() mod                { return func(t *tmpl) { t.version, t.exts = 1, nil } }
func noKeyIDs() mod                { return func(t *tmpl) { t.noKeyIDs = true } }
func akidOf(k keyPair) mod         { return func(t *tmpl) { t.akidOf = &k } }
func berSubject() mod              { return func(t *tmpl) { t.berSubject = true } }
func clientExts(more ...ext) []ext {
	return append([]ext{extKeyUsage(ekuClient), keyUsage(kuDS)}, more...)
}
func caExts(pathLen int) []ext {
	return []ext{basicConstraints(true, pathLen), keyUsage(kuCertSign | kuCRLSign)}
}
func critical(e ext) ext    { e.critical = true; return e }
func notCritical(e ext) ext { e.critical = false; return e }
func unknownExt(crit bool) ext {
	return ext{[]int{1, 3, 6, 1, 4, 1, 99999, 1}, crit, []byte{0x05, 0x00}}
}
func emptyEKU() ext { return ext{[]int{2, 5, 29, 37}, false, seq()} }
func emptyKU() ext  { return ext{[]int{2, 5, 29, 15}, true, []byte{0x03, 0x01, 0x00}} }
func policies() ext { return ext{[]int{2, 5, 29, 32}, true, seq(seq(oid(2, 5, 29, 32, 0)))} }
func crlDP() ext {
	return ext{[]int{2, 5, 29, 31}, true, seq(seq(der(0xa0, der(0xa0, gURI("http://crl.example/ca.crl")))))}
}
func nsComment() ext {
	return ext{[]int{2, 16, 840, 1, 113730, 1, 13}, true, der(0x16, []byte("hello"))}
}

// crls makes an empty current CRL for each CA.
func (w *world) crls(cas ...*cert) [][]byte {
	var out [][]byte
	for _, c := range cas {
		out = append(out, buildCRL(c, w.now.Add(-time.Hour), w.now.Add(7*24*time.Hour), nil, nil))
	}
	return out
}

func (w *world) prof(depth int, cas []*cert, crlsBy ...*cert) *profile {
	return &profile{cas: cas, crls: w.crls(crlsBy...), depth: depth}
}

// buildCorpus makes the scenarios, category by category.
func buildCorpus(now time.Time) *world {
	w := &world{now: now.Truncate(time.Second)}
	w.rsa2048 = []keyPair{rsaKey(2048), rsaKey(2048)}
	w.rsa1024 = []keyPair{rsaKey(1024), rsaKey(1024)}
	var p dsa.PrivateKey
	if err := dsa.GenerateParameters(&p.Parameters, rand.Reader, dsa.L1024N160); err != nil {
		panic(err)
	}
	if err := dsa.GenerateKey(&p, rand.Reader); err != nil {
		panic(err)
	}
	w.dsa1024 = keyPair{dsa: &p}
	w.chainCases()
	w.anchorCases()
	w.purposeCases()
	w.constraintCases()
	w.criticalCases()
	w.timeCases()
	w.strengthCases()
	w.inputCases()
	w.revocationCases()
	return w
}

func (w *world) chainCases() {
	const c = "chain"
	root := w.ca("Root CA", nil)
	inter := w.ca("Issuing CA", root)
	std := w.prof(2, []*cert{root}, root, inter)
	w.add(c, "leaf from the root", std, w.leaf(root))
	w.add(c, "leaf, intermediate", std, w.leaf(inter), inter)
	w.add(c, "intermediate not sent", std, w.leaf(inter))
	w.add(c, "chain in reverse order", std, w.leaf(inter), root, inter)
	w.add(c, "root sent too", std, w.leaf(inter), inter, root)
	w.add(c, "unrelated extra certificate", std, w.leaf(inter), w.ca("Stray CA", nil), inter)

	// Issuer names compared as RFC 5280 §7.1 says.
	variants := []struct {
		name   string
		issuer []byte
	}{
		{"issuer name in other case", dn(org("CORPUS"), cn("ROOT ca"))},
		{"issuer name with extra spaces", dn(org("  Corpus "), cn("Root    CA"))},
		{"issuer name as PrintableString", dn(atv{oidO, 0x13, "Corpus"}, printCN("Root CA"))},
		{"issuer name as BMPString", dn(atv{oidO, 0x1e, "Corpus"}, atv{oidCN, 0x1e, "Root CA"})},
		{"issuer name as T61String", dn(atv{oidO, 0x14, "Corpus"}, atv{oidCN, 0x14, "Root CA"})},
		{"issuer name as IA5String", dn(atv{oidO, 0x16, "Corpus"}, atv{oidCN, 0x16, "Root CA"})},
		{"issuer name with tab and newline", dn(org("Corpus"), cn("Root\t\nCA"))},
		{"issuer name differing in a letter", dn(org("Corpus"), cn("Root CB"))},
		{"issuer name with RDNs swapped", dn(cn("Root CA"), org("Corpus"))},
		{"issuer name missing an RDN", dn(cn("Root CA"))},
	}
	for _, v := range variants {
		w.add(c, v.name, std, w.leaf(root, withIssuer(v.issuer)))
	}

	// Several candidate issuers: same name, other keys.
	k1, k2 := ecKey(), ecKey()
	twinA := w.ca("Twin CA", nil, withKey(k1))
	twinB := w.ca("Twin CA", nil, withKey(k2))
	twins := w.prof(2, []*cert{twinA, twinB}, twinA, twinB)
	twinsRev := w.prof(2, []*cert{twinB, twinA}, twinA, twinB)
	w.add(c, "second of two same-name roots, by AKI", twins, w.leaf(twinB))
	w.add(c, "first of two same-name roots, by AKI", twinsRev, w.leaf(twinA))
	w.add(c, "second same-name root, no AKI", twins, w.leaf(twinB, noKeyIDs()))
	w.add(c, "first same-name root, no AKI", twins, w.leaf(twinA, noKeyIDs()))

	// A trusted root twice, the first copy expired.
	rk := root.key
	oldRoot := w.ca("Root CA", nil, withKey(rk), func(t *tmpl) {
		t.notBefore, t.notAfter = utc(w.now.Add(-800*24*time.Hour)), utc(w.now.Add(-400*24*time.Hour))
	})
	w.add(c, "expired copy of the root first in the CA file", w.prof(2, []*cert{oldRoot, root}, root), w.leaf(root))
	w.add(c, "only an expired copy of the root trusted", w.prof(2, []*cert{oldRoot}, root), w.leaf(root))

	// Renewed intermediate: same key, one copy expired.
	ik := ecKey()
	past := func(t *tmpl) {
		t.notBefore, t.notAfter = utc(w.now.Add(-400*24*time.Hour)), utc(w.now.Add(-30*24*time.Hour))
	}
	oldI := w.ca("Renewed CA", root, withKey(ik), past)
	newI := w.ca("Renewed CA", root, withKey(ik))
	ren := w.prof(2, []*cert{root}, root, newI)
	l := w.leaf(newI)
	w.add(c, "renewed intermediate after its expired copy", ren, l, oldI, newI)
	w.add(c, "renewed intermediate before its expired copy", ren, l, newI, oldI)
	w.add(c, "only the expired copy of the intermediate", ren, l, oldI)
	// Re-keyed intermediate: the AKI picks the right one.
	rekey := w.ca("Renewed CA", root)
	w.add(c, "re-keyed intermediate after the old one", w.prof(2, []*cert{root}, root, rekey), w.leaf(rekey), newI, rekey)

	// Cross-signed intermediate: one copy from the trusted root, one from another.
	other := w.ca("Other Root", nil)
	xk := ecKey()
	xTrusted := w.ca("Cross CA", root, withKey(xk))
	xOther := w.ca("Cross CA", other, withKey(xk))
	cross := w.prof(2, []*cert{root}, root, xTrusted, other)
	lx := w.leaf(xTrusted)
	w.add(c, "cross-signed, trusted copy first", cross, lx, xTrusted, xOther)
	w.add(c, "cross-signed, other copy first", cross, lx, xOther, xTrusted)
	w.add(c, "cross-signed, other copy and its root", cross, lx, xOther, other)
	w.add(c, "cross-signed, both roots trusted", w.prof(2, []*cert{other, root}, root, xTrusted, other), lx, xOther, xTrusted)

	// Self-issued intermediates and pathLen.
	pl1 := w.ca("PathLen1 Root", nil, withExts(caExts(1)...))
	i1k := ecKey()
	i1 := w.ca("Rollover CA", pl1, withKey(i1k))
	i1b := w.ca("Rollover CA", i1, func(t *tmpl) { t.akidOf = &i1k })
	i2 := w.ca("Below Rollover", i1b)
	pathProf := w.prof(3, []*cert{pl1}, pl1, i1, i1b, i2)
	w.add(c, "self-issued intermediate not counted", pathProf, w.leaf(i1b), i1b, i1)
	w.add(c, "pathLen 1 with self-issued and one more CA", pathProf, w.leaf(i2), i2, i1b, i1)
	pl0 := w.ca("PathLen0 Root", nil, withExts(caExts(0)...))
	under0 := w.ca("Under PathLen0", pl0)
	p0 := w.prof(2, []*cert{pl0}, pl0, under0)
	w.add(c, "leaf directly under pathLen 0 root", p0, w.leaf(pl0))
	w.add(c, "CA under pathLen 0 root", p0, w.leaf(under0), under0)
	ip0 := w.ca("Intermediate PathLen0", root, withExts(caExts(0)...))
	below := w.ca("Below PathLen0", ip0)
	pp := w.prof(3, []*cert{root}, root, ip0, below)
	w.add(c, "leaf under pathLen 0 intermediate", pp, w.leaf(ip0), ip0)
	w.add(c, "CA under pathLen 0 intermediate", pp, w.leaf(below), below, ip0)

	// basicConstraints on every CA.
	notCA := w.ca("Not A CA", root, withExts(basicConstraints(false, -1), keyUsage(kuCertSign|kuCRLSign)))
	noBC := w.ca("No BC CA", root, withExts(keyUsage(kuCertSign|kuCRLSign)))
	nothing := w.ca("Bare CA", root, withExts())
	noSign := w.ca("No CertSign CA", root, withExts(basicConstraints(true, -1), keyUsage(kuCRLSign|kuDS)))
	bc := w.prof(2, []*cert{root}, root, notCA, noBC, nothing, noSign)
	w.add(c, "intermediate with CA:FALSE", bc, w.leaf(notCA), notCA)
	w.add(c, "intermediate without basicConstraints", bc, w.leaf(noBC), noBC)
	w.add(c, "intermediate without any extension", bc, w.leaf(nothing), nothing)
	w.add(c, "intermediate without keyCertSign", bc, w.leaf(noSign), noSign)

	// Depth: ssl_verify_depth N allows N CAs between leaf and root.
	d1 := w.ca("Depth 1", root)
	d2 := w.ca("Depth 2", d1)
	d3 := w.ca("Depth 3", d2)
	d4 := w.ca("Depth 4", d3)
	all := []*cert{root, d1, d2, d3, d4}
	for _, depth := range []int{0, 1, 2, 3, 5} {
		pd := w.prof(depth, []*cert{root}, all...)
		w.add(c, fmt.Sprintf("no intermediate at depth %d", depth), pd, w.leaf(root))
		w.add(c, fmt.Sprintf("1 intermediate at depth %d", depth), pd, w.leaf(d1), d1)
		w.add(c, fmt.Sprintf("2 intermediates at depth %d", depth), pd, w.leaf(d2), d2, d1)
		if depth >= 2 {
			w.add(c, fmt.Sprintf("4 intermediates at depth %d", depth), pd, w.leaf(d4), d4, d3, d2, d1)
		}
	}

	// AKI by issuer and serial instead of key identifier.
	akiBy := func(issuerOfCA []byte, serial []byte) mod {
		return func(t *tmpl) {
			t.noKeyIDs = true
			t.exts = append(t.exts, ext{[]int{2, 5, 29, 35}, false, seq(der(0xa1, gDir(issuerOfCA)), der(0x82, serial))})
		}
	}
	w.add(c, "AKI by issuer and serial, matching", std, w.leaf(inter, akiBy(root.subject, serialOf(inter))), inter)
	w.add(c, "AKI by issuer and serial, other serial", std, w.leaf(inter, akiBy(root.subject, []byte{0x01, 0x02})), inter)
	w.add(c, "AKI by issuer and serial, other issuer", std, w.leaf(inter, akiBy(dn(cn("Nobody")), serialOf(inter))), inter)
	w.add(c, "AKI key identifier of another key", std, w.leaf(root, akidOf(ecKey())))
	// A multi-valued RDN, its values in the other order.
	mv := func(a, b atv) []byte {
		return seq(der(0x31, seq(oid(a.oid...), der(a.tag, []byte(a.val))), seq(oid(b.oid...), der(b.tag, []byte(b.val)))))
	}
	mvRoot := w.ca("", nil, withSubject(mv(org("Corpus"), cn("Multi Root"))))
	w.add(c, "multi-valued RDN in other order", w.prof(2, []*cert{mvRoot}, mvRoot), w.leaf(mvRoot, withIssuer(mv(cn("Multi Root"), org("Corpus")))))

	// Self-signed and look-alikes.
	self := w.leaf(nil)
	w.add(c, "self-signed client, not trusted", std, self)
	w.add(c, "self-signed client, trusted itself", &profile{cas: []*cert{self}, depth: 2}, self)
	stranger := w.ca("Stranger Root", nil)
	si := w.ca("Stranger Issuing", stranger)
	w.add(c, "chain ending in an untrusted root", std, w.leaf(si), si, stranger)
	w.add(c, "chain ending in an untrusted intermediate", std, w.leaf(si), si)
	fake := w.ca("Root CA", nil)
	s := w.add(c, "look-alike root sent with its leaf", std, w.leaf(fake), fake)
	s.lookalike = true
	s = w.add(c, "look-alike CA, leaf only", std, w.leaf(fake))
	s.lookalike = true
	s = w.add(c, "look-alike CA, leaf without AKI", std, w.leaf(fake, noKeyIDs()))
	s.lookalike = true
	s = w.add(c, "intermediate of the same name but another key sent", std, w.leaf(w.ca("Issuing CA", root, withKey(ecKey()), withIssuer(root.subject))), inter)
	_ = s
}

func (w *world) anchorCases() {
	const c = "anchors"
	root := w.ca("Anchor Root", nil)
	inter := w.ca("Anchor Issuing", root)
	w.add(c, "intermediate trusted without its root", w.prof(2, []*cert{inter}, root, inter), w.leaf(inter))
	w.add(c, "intermediate trusted without its root, sent", w.prof(2, []*cert{inter}, root, inter), w.leaf(inter), inter)
	w.add(c, "intermediate and root trusted", w.prof(2, []*cert{inter, root}, root, inter), w.leaf(inter))
	v1 := w.ca("V1 Root", nil, version1())
	v1p := w.prof(2, []*cert{v1}, v1)
	w.add(c, "v1 root", v1p, w.leaf(v1))
	v1i := w.ca("V1 Intermediate", v1, version1())
	w.add(c, "v1 intermediate", w.prof(2, []*cert{v1}, v1, v1i), w.leaf(v1i), v1i)
	kuOnly := w.ca("KU-only Root", nil, withExts(keyUsage(kuCertSign|kuCRLSign)))
	w.add(c, "root without basicConstraints, keyCertSign", w.prof(2, []*cert{kuOnly}, kuOnly), w.leaf(kuOnly))
	bare := w.ca("Bare Root", nil, withExts())
	w.add(c, "root without basicConstraints or key usage", w.prof(2, []*cert{bare}, bare), w.leaf(bare))
	falseRoot := w.ca("CA-false Root", nil, withExts(basicConstraints(false, -1), keyUsage(kuCertSign|kuCRLSign)))
	w.add(c, "root with CA:FALSE", w.prof(2, []*cert{falseRoot}, falseRoot), w.leaf(falseRoot))
	noSign := w.ca("No-CertSign Root", nil, withExts(basicConstraints(true, -1), keyUsage(kuCRLSign)))
	w.add(c, "root without keyCertSign", w.prof(2, []*cert{noSign}, noSign), w.leaf(noSign))
	ns := w.ca("Netscape SSL CA", nil, withExts(nsCertType(nsSSLCA)))
	w.add(c, "root with Netscape type SSL CA only", w.prof(2, []*cert{ns}, ns), w.leaf(ns))
	nsObj := w.ca("Netscape Object CA", nil, withExts(nsCertType(nsObjCA)))
	w.add(c, "root with Netscape type object-signing CA only", w.prof(2, []*cert{nsObj}, nsObj), w.leaf(nsObj))
	srv := w.ca("Server-only Root", nil, addExts(extKeyUsage(ekuServer)))
	w.add(c, "root restricted to serverAuth", w.prof(2, []*cert{srv}, srv), w.leaf(srv))
	cli := w.ca("Client-only Root", nil, addExts(extKeyUsage(ekuClient)))
	w.add(c, "root restricted to clientAuth", w.prof(2, []*cert{cli}, cli), w.leaf(cli))
	old := w.ca("Expired Root", nil, withTimes(utc(w.now.Add(-800*24*time.Hour)), utc(w.now.Add(-24*time.Hour))))
	w.add(c, "expired root", w.prof(2, []*cert{old}, old), w.leaf(old))
	young := w.ca("Future Root", nil, withTimes(utc(w.now.Add(24*time.Hour)), utc(w.now.Add(800*24*time.Hour))))
	w.add(c, "root not yet valid", w.prof(2, []*cert{young}, young), w.leaf(young))
	w.add(c, "untrusted root in chain of a trusted intermediate", w.prof(2, []*cert{inter}, root, inter), w.leaf(inter), inter, root)
}

func (w *world) purposeCases() {
	const c = "purpose"
	root := w.ca("Purpose Root", nil)
	pr := w.prof(2, []*cert{root}, root)
	cases := []struct {
		name string
		exts []ext
	}{
		{"clientAuth", clientExts()},
		{"serverAuth only", []ext{extKeyUsage(ekuServer), keyUsage(kuDS)}},
		{"anyExtendedKeyUsage only", []ext{extKeyUsage(ekuAny), keyUsage(kuDS)}},
		{"anyExtendedKeyUsage and clientAuth", []ext{extKeyUsage(ekuAny, ekuClient), keyUsage(kuDS)}},
		{"empty EKU", []ext{emptyEKU(), keyUsage(kuDS)}},
		{"unknown EKU only", []ext{extKeyUsage([]int{1, 3, 6, 1, 4, 1, 99999, 3}), keyUsage(kuDS)}},
		{"emailProtection only", []ext{extKeyUsage(ekuEmail), keyUsage(kuDS)}},
		{"serverAuth and clientAuth", []ext{extKeyUsage(ekuServer, ekuClient), keyUsage(kuDS)}},
		{"no EKU", []ext{keyUsage(kuDS)}},
		{"no EKU, no key usage", nil},
		{"keyAgreement only", []ext{extKeyUsage(ekuClient), keyUsage(kuKeyAgree)}},
		{"keyEncipherment only", []ext{extKeyUsage(ekuClient), keyUsage(kuKeyEnc)}},
		{"nonRepudiation only", []ext{extKeyUsage(ekuClient), keyUsage(kuNonRep)}},
		{"empty key usage", []ext{extKeyUsage(ekuClient), emptyKU()}},
		{"digitalSignature and keyEncipherment", []ext{extKeyUsage(ekuClient), keyUsage(kuDS | kuKeyEnc)}},
		{"Netscape type SSL client", []ext{nsCertType(nsSSLClient)}},
		{"Netscape type SSL server only", []ext{nsCertType(nsSSLServer)}},
		{"Netscape type S/MIME only", []ext{nsCertType(nsSMIME)}},
		{"Netscape SSL client with EKU serverAuth", []ext{nsCertType(nsSSLClient), extKeyUsage(ekuServer)}},
		{"Netscape SSL server with EKU clientAuth", []ext{nsCertType(nsSSLServer), extKeyUsage(ekuClient)}},
		{"leaf that is a CA", []ext{basicConstraints(true, -1), keyUsage(kuDS | kuCertSign), extKeyUsage(ekuClient)}},
		{"critical EKU clientAuth", []ext{critical(extKeyUsage(ekuClient)), keyUsage(kuDS)}},
	}
	for _, k := range cases {
		w.add(c, k.name, pr, w.leaf(root, withExts(k.exts...)))
	}
	rk := w.rsa2048[0]
	w.add(c, "RSA key with keyAgreement only", pr, w.leaf(root, withKey(rk), withExts(extKeyUsage(ekuClient), keyUsage(kuKeyAgree))))
	w.add(c, "RSA key with keyEncipherment only", pr, w.leaf(root, withKey(rk), withExts(extKeyUsage(ekuClient), keyUsage(kuKeyEnc))))
	w.add(c, "RSA key with digitalSignature", pr, w.leaf(root, withKey(rk)))
	for _, ci := range []struct {
		name string
		eku  ext
	}{
		{"intermediate restricted to serverAuth", extKeyUsage(ekuServer)},
		{"intermediate restricted to clientAuth", extKeyUsage(ekuClient)},
		{"intermediate restricted to anyExtendedKeyUsage", extKeyUsage(ekuAny)},
		{"intermediate with an empty EKU", emptyEKU()},
	} {
		i := w.ca(ci.name, root, addExts(ci.eku))
		w.add(c, ci.name, w.prof(2, []*cert{root}, root, i), w.leaf(i), i)
	}
}

func (w *world) constraintCases() {
	const c = "name constraints"
	root := w.ca("NC Root", nil)
	type tc struct {
		name                string
		permitted, excluded [][]byte
		leaf                []mod
	}
	subjectCN := func(s string) mod { return withSubject(dn(org("Corpus"), cn(s))) }
	withSAN := func(names ...[]byte) mod { return addExts(san(names...)) }
	cases := []tc{
		{"DNS SAN inside permitted .example.com", [][]byte{gDNS(".example.com")}, nil, []mod{withSAN(gDNS("a.example.com"))}},
		{"DNS SAN outside permitted .example.com", [][]byte{gDNS(".example.com")}, nil, []mod{withSAN(gDNS("a.other.com"))}},
		{"DNS SAN under permitted example.com", [][]byte{gDNS("example.com")}, nil, []mod{withSAN(gDNS("a.example.com"))}},
		{"DNS SAN badexample.com vs example.com", [][]byte{gDNS("example.com")}, nil, []mod{withSAN(gDNS("badexample.com"))}},
		{"DNS SAN in other case", [][]byte{gDNS("example.com")}, nil, []mod{withSAN(gDNS("A.EXAMPLE.COM"))}},
		{"DNS SAN in excluded subtree", nil, [][]byte{gDNS("bad.example.com")}, []mod{withSAN(gDNS("x.bad.example.com"))}},
		{"DNS SAN beside excluded subtree", nil, [][]byte{gDNS("bad.example.com")}, []mod{withSAN(gDNS("good.example.com"))}},
		{"host-like CN outside, no SAN", [][]byte{gDNS("example.com")}, nil, []mod{subjectCN("host.other.com")}},
		{"host-like CN inside, no SAN", [][]byte{gDNS("example.com")}, nil, []mod{subjectCN("host.example.com")}},
		{"person CN, no SAN, DNS constraint", [][]byte{gDNS("example.com")}, nil, []mod{subjectCN("Alice Example")}},
		{"host-like CN outside, DNS SAN inside", [][]byte{gDNS("example.com")}, nil, []mod{subjectCN("host.other.com"), withSAN(gDNS("a.example.com"))}},
		{"host-like CN outside, email SAN", [][]byte{gDNS("example.com")}, nil, []mod{subjectCN("host.other.com"), withSAN(gEmail("a@example.com"))}},
		{"email SAN inside permitted domain", [][]byte{gEmail("example.com")}, nil, []mod{withSAN(gEmail("alice@example.com"))}},
		{"email SAN outside permitted domain", [][]byte{gEmail("example.com")}, nil, []mod{withSAN(gEmail("alice@other.com"))}},
		{"email SAN in subdomain of .example.com", [][]byte{gEmail(".example.com")}, nil, []mod{withSAN(gEmail("alice@mail.example.com"))}},
		{"email SAN matching a mailbox constraint", [][]byte{gEmail("alice@example.com")}, nil, []mod{withSAN(gEmail("alice@example.com"))}},
		{"email SAN another mailbox", [][]byte{gEmail("alice@example.com")}, nil, []mod{withSAN(gEmail("bob@example.com"))}},
		{"subject emailAddress outside", [][]byte{gEmail("example.com")}, nil, []mod{withSubject(dn(org("Corpus"), cn("Mail Person"), atv{oidEmail, 0x16, "p@other.com"}))}},
		{"subject emailAddress inside", [][]byte{gEmail("example.com")}, nil, []mod{withSubject(dn(org("Corpus"), cn("Mail Person"), atv{oidEmail, 0x16, "p@example.com"}))}},
		{"subject emailAddress as UTF8String", [][]byte{gDNS("example.com")}, nil, []mod{withSubject(dn(org("Corpus"), cn("Mail Person"), atv{oidEmail, 0x0c, "p@example.com"}))}},
		{"directoryName inside", [][]byte{gDir(dn(org("Corpus")))}, nil, nil},
		{"directoryName outside", [][]byte{gDir(dn(org("Elsewhere")))}, nil, nil},
		{"directoryName in other case", [][]byte{gDir(dn(org("CORPUS")))}, nil, nil},
		{"excluded directoryName", nil, [][]byte{gDir(dn(org("Corpus")))}, nil},
		{"IP SAN inside 10.0.0.0/8", [][]byte{gIPNet("10.0.0.0/8")}, nil, []mod{withSAN(gIP("10.1.2.3"))}},
		{"IP SAN outside 10.0.0.0/8", [][]byte{gIPNet("10.0.0.0/8")}, nil, []mod{withSAN(gIP("192.168.1.1"))}},
		{"IP SAN in excluded subnet", nil, [][]byte{gIPNet("192.168.0.0/16")}, []mod{withSAN(gIP("192.168.1.1"))}},
		{"IPv6 SAN vs IPv4 constraint", [][]byte{gIPNet("10.0.0.0/8")}, nil, []mod{withSAN(gIP("2001:db8::1"))}},
		{"URI SAN inside", [][]byte{gURI(".example.com")}, nil, []mod{withSAN(gURI("https://a.example.com/x"))}},
		{"URI SAN outside", [][]byte{gURI(".example.com")}, nil, []mod{withSAN(gURI("https://a.other.com/x"))}},
		{"email SAN without @", [][]byte{gEmail("example.com")}, nil, []mod{withSAN(gEmail("example.com"))}},
		{"email SAN in excluded domain", nil, [][]byte{gEmail("bad.example")}, []mod{withSAN(gEmail("eve@bad.example"))}},
		{"DNS constraint, email SAN only", [][]byte{gDNS("example.com")}, nil, []mod{withSAN(gEmail("a@other.com"))}},
		{"two permitted DNS subtrees, second matches", [][]byte{gDNS("example.org"), gDNS("example.com")}, nil, []mod{withSAN(gDNS("a.example.com"))}},
		{"permitted DNS and IP, IP SAN outside", [][]byte{gDNS("example.com"), gIPNet("10.0.0.0/8")}, nil, []mod{withSAN(gDNS("a.example.com"), gIP("11.0.0.1"))}},
		{"host-like CN with trailing dot outside", [][]byte{gDNS("example.com")}, nil, []mod{subjectCN("host.other.com.")}},
		{"CN with underscore outside", [][]byte{gDNS("example.com")}, nil, []mod{subjectCN("my_host.other.com")}},
		{"constraint with a minimum", [][]byte{gDNS("example.com")}, nil, []mod{withSAN(gDNS("a.example.com"))}},
	}
	for i, k := range cases {
		nc := nameConstraints(k.permitted, k.excluded, i == len(cases)-1)
		ca := w.ca("NC CA "+fmt.Sprint(i), root, addExts(nc))
		w.add(c, k.name, w.prof(2, []*cert{root}, root, ca), w.leaf(ca, k.leaf...), ca)
	}
	ncI := w.ca("NC Self-issued", root, addExts(nameConstraints([][]byte{gDNS("example.com")}, nil, false)))
	ncIk := ncI.key
	ncI2 := w.ca("NC Self-issued", ncI, withKey(ecKey()), func(t *tmpl) { t.akidOf = &ncIk })
	w.add(c, "constraint above a self-issued CA, SAN outside", w.prof(3, []*cert{root}, root, ncI, ncI2), w.leaf(ncI2, addExts(san(gDNS("a.other.com")))), ncI2, ncI)
	ncRoot := w.ca("NC on Root", nil, addExts(nameConstraints([][]byte{gDNS("example.com")}, nil, false)))
	ip := w.prof(2, []*cert{ncRoot}, ncRoot)
	w.add(c, "root constraint, SAN inside", ip, w.leaf(ncRoot, addExts(san(gDNS("x.example.com")))))
	w.add(c, "root constraint, SAN outside", ip, w.leaf(ncRoot, addExts(san(gDNS("x.example.org")))))
}

func (w *world) criticalCases() {
	const c = "critical extensions"
	root := w.ca("Critical Root", nil)
	pr := w.prof(2, []*cert{root}, root)
	w.add(c, "unknown critical extension", pr, w.leaf(root, addExts(unknownExt(true))))
	w.add(c, "unknown non-critical extension", pr, w.leaf(root, addExts(unknownExt(false))))
	w.add(c, "critical certificatePolicies", pr, w.leaf(root, addExts(policies())))
	w.add(c, "critical CRL distribution points", pr, w.leaf(root, addExts(crlDP())))
	w.add(c, "critical Netscape comment", pr, w.leaf(root, addExts(nsComment())))
	w.add(c, "critical subjectAltName", pr, w.leaf(root, addExts(critical(san(gEmail("x@example.com"))))))
	w.add(c, "non-critical key usage", pr, w.leaf(root, withExts(extKeyUsage(ekuClient), notCritical(keyUsage(kuDS)))))
	w.add(c, "critical AKI", pr, w.leaf(root, noKeyIDs(), addExts(critical(akidExt(keyID(root.key))))))
	w.add(c, "critical SKI", pr, w.leaf(root, noKeyIDs(), addExts(critical(skid([]byte{1, 2, 3, 4})))))
	crit := w.ca("Critical Intermediate", root, addExts(unknownExt(true)))
	w.add(c, "intermediate with unknown critical extension", w.prof(2, []*cert{root}, root, crit), w.leaf(crit), crit)
	critRoot := w.ca("Critical-ext Root", nil, addExts(unknownExt(true)))
	w.add(c, "root with unknown critical extension", w.prof(2, []*cert{critRoot}, critRoot), w.leaf(critRoot))
}

func (w *world) timeCases() {
	const c = "time"
	root := w.ca("Time Root", nil)
	pr := w.prof(2, []*cert{root}, root)
	nb, na := w.valid()
	raw := func(tag byte, s string) asnTime { return asnTime{tag, s} }
	w.add(c, "UTCTime without seconds", pr, w.leaf(root, withTimes(raw(0x17, w.now.Add(-time.Hour).UTC().Format("0601021504Z")), na)))
	w.add(c, "UTCTime with an offset", pr, w.leaf(root, withTimes(nb, raw(0x17, w.now.Add(48*time.Hour).UTC().Format("060102150405")+"+0100"))))
	w.add(c, "GeneralizedTime before 2050", pr, w.leaf(root, withTimes(gen(w.now.Add(-time.Hour)), gen(w.now.Add(48*time.Hour)))))
	w.add(c, "GeneralizedTime with fraction", pr, w.leaf(root, withTimes(raw(0x18, w.now.Add(-time.Hour).UTC().Format("20060102150405")+".5Z"), na)))
	w.add(c, "GeneralizedTime after 2050", pr, w.leaf(root, withTimes(nb, gen(time.Date(2051, 1, 1, 0, 0, 0, 0, time.UTC)))))
	w.add(c, "UTCTime 49 is 2049", pr, w.leaf(root, withTimes(nb, raw(0x17, "491231235959Z"))))
	w.add(c, "UTCTime 50 is 1950", pr, w.leaf(root, withTimes(nb, raw(0x17, "500101000000Z"))))
	w.add(c, "day 30 of February", pr, w.leaf(root, withTimes(raw(0x17, "250230000000Z"), na)))
	w.add(c, "month 13", pr, w.leaf(root, withTimes(nb, raw(0x17, "491301000000Z"))))
	w.add(c, "second 60", pr, w.leaf(root, withTimes(nb, raw(0x17, "491231235960Z"))))
	w.add(c, "GeneralizedTime 99991231235959Z", pr, w.leaf(root, withTimes(nb, raw(0x18, "99991231235959Z"))))
	w.add(c, "UTCTime notAfter exactly now", pr, w.leaf(root, withTimes(nb, utc(w.now))))
	w.add(c, "lower-case z", pr, w.leaf(root, withTimes(raw(0x17, w.now.Add(-time.Hour).UTC().Format("060102150405")+"z"), na)))
	w.add(c, "expired leaf", pr, w.leaf(root, withTimes(utc(w.now.Add(-60*24*time.Hour)), utc(w.now.Add(-24*time.Hour)))))
	w.add(c, "not yet valid leaf", pr, w.leaf(root, withTimes(utc(w.now.Add(24*time.Hour)), utc(w.now.Add(60*24*time.Hour)))))
	w.add(c, "inverted validity in the past", pr, w.leaf(root, withTimes(utc(w.now.Add(-24*time.Hour)), utc(w.now.Add(-60*24*time.Hour)))))
	w.add(c, "inverted validity around now", pr, w.leaf(root, withTimes(utc(w.now.Add(24*time.Hour)), utc(w.now.Add(-24*time.Hour)))))
	oldI := w.ca("Expired Intermediate", root, withTimes(utc(w.now.Add(-400*24*time.Hour)), utc(w.now.Add(-24*time.Hour))))
	w.add(c, "expired intermediate", w.prof(2, []*cert{root}, root, oldI), w.leaf(oldI), oldI)
	newI := w.ca("Future Intermediate", root, withTimes(utc(w.now.Add(24*time.Hour)), utc(w.now.Add(400*24*time.Hour))))
	w.add(c, "intermediate not yet valid", w.prof(2, []*cert{root}, root, newI), w.leaf(newI), newI)
	badI := w.ca("Odd-time Intermediate", root, withTimes(raw(0x17, w.now.Add(-48*time.Hour).UTC().Format("0601021504Z")), utc(w.now.Add(400*24*time.Hour))))
	w.add(c, "intermediate with UTCTime without seconds", w.prof(2, []*cert{root}, root, badI), w.leaf(badI), badI)
	w.add(c, "expired leaf of an expired intermediate", w.prof(2, []*cert{root}, root, oldI), w.leaf(oldI, withTimes(utc(w.now.Add(-60*24*time.Hour)), utc(w.now.Add(-2*24*time.Hour)))), oldI)
}

func (w *world) strengthCases() {
	const c = "strength"
	root := w.ca("Strength Root", nil)
	pr := w.prof(2, []*cert{root}, root)
	rsaRoot := w.ca("RSA Root", nil, withKey(w.rsa2048[1]))
	prr := w.prof(2, []*cert{rsaRoot}, rsaRoot)
	w.add(c, "RSA 2048 leaf", pr, w.leaf(root, withKey(w.rsa2048[0])))
	w.add(c, "RSA 1024 leaf", pr, w.leaf(root, withKey(w.rsa1024[0])))
	w.add(c, "Ed25519 leaf", pr, w.leaf(root, withKey(keyPair{signer: ed25519Key()})))
	w.add(c, "SHA-1 signed leaf (ECDSA)", pr, w.leaf(root, withSig(sha1Sig)))
	w.add(c, "SHA-1 signed leaf (RSA)", prr, w.leaf(rsaRoot, withSig(sha1Sig)))
	w.add(c, "MD5 signed leaf", prr, w.leaf(rsaRoot, withSig(md5Sig)))
	w.add(c, "SHA-224 signed leaf", pr, w.leaf(root, withSig(sha224Sig)))
	w.add(c, "RSA-PSS signed leaf", prr, w.leaf(rsaRoot, withSig(pssSig)))
	w.add(c, "RSA 1024 leaf signed with SHA-1", prr, w.leaf(rsaRoot, withKey(w.rsa1024[0]), withSig(sha1Sig)))
	weakI := w.ca("RSA1024 Intermediate", root, withKey(w.rsa1024[1]))
	w.add(c, "RSA 1024 intermediate", w.prof(2, []*cert{root}, root, weakI), w.leaf(weakI), weakI)
	weakRoot := w.ca("RSA1024 Root", nil, withKey(w.rsa1024[1]))
	w.add(c, "RSA 1024 root", w.prof(2, []*cert{weakRoot}, weakRoot), w.leaf(weakRoot))
	sha1I := w.ca("SHA1 Intermediate", root, withSig(sha1Sig))
	w.add(c, "SHA-1 signed intermediate", w.prof(2, []*cert{root}, root, sha1I), w.leaf(sha1I), sha1I)
	sha1Root := w.ca("SHA1 Root", nil, withSig(sha1Sig))
	w.add(c, "SHA-1 self-signed root", w.prof(2, []*cert{sha1Root}, sha1Root), w.leaf(sha1Root))
	dsaI := w.ca("DSA1024 Intermediate", root, withKey(w.dsa1024))
	w.add(c, "DSA 1024 intermediate", w.prof(2, []*cert{root}, root, dsaI), w.leaf(dsaI), dsaI)
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	i224 := w.ca("P224 Intermediate", root, withKey(keyPair{signer: p224}))
	w.add(c, "P-224 intermediate", w.prof(2, []*cert{root}, root, i224), w.leaf(i224), i224)
	explicit := func(t *tmpl) { t.explicitEC = true }
	w.add(c, "EC leaf with explicit curve parameters", pr, w.leaf(root, explicit))
	exI := w.ca("Explicit-EC Intermediate", root, explicit)
	w.add(c, "intermediate with explicit curve parameters", w.prof(2, []*cert{root}, root, exI), w.leaf(exI), exI)
	exSelf := w.leaf(nil, explicit)
	w.add(c, "self-signed explicit-curve client, trusted", &profile{cas: []*cert{exSelf}, depth: 2}, exSelf)
	edRoot := w.ca("Ed25519 Root", nil, withKey(keyPair{signer: ed25519Key()}))
	w.add(c, "Ed25519 root", w.prof(2, []*cert{edRoot}, edRoot), w.leaf(edRoot))
}

func ed25519Key() ed25519.PrivateKey {
	_, k, _ := ed25519.GenerateKey(rand.Reader)
	return k
}

func (w *world) inputCases() {
	const c = "input"
	root := w.ca("Input Root", nil)
	pr := w.prof(2, []*cert{root}, root)
	w.add(c, "negative serial", pr, w.leaf(root, withSerial([]byte{0xff, 0x12, 0x34})))
	w.add(c, "serial zero", pr, w.leaf(root, withSerial([]byte{0})))
	w.add(c, "serial of 21 bytes", pr, w.leaf(root, withSerial(append([]byte{0x01}, make([]byte, 20)...))))
	w.add(c, "PrintableString with @ in subject", pr, w.leaf(root, withSubject(dn(org("Corpus"), printCN("user@example.com")))))
	w.add(c, "BER length in subject", pr, w.leaf(root, berSubject()))
	w.add(c, "v1 leaf", pr, w.leaf(root, version1()))
	w.add(c, "version 4", pr, w.leaf(root, func(t *tmpl) { t.version = 4 }))
	w.add(c, "v1 with an explicit version field", pr, w.leaf(root, func(t *tmpl) { t.version = 1; t.exts = nil; t.explicitV1 = true }))
	w.add(c, "v2 leaf", pr, w.leaf(root, func(t *tmpl) { t.version = 2; t.exts = nil }))
	w.add(c, "empty subject with SAN", pr, w.leaf(root, withSubject(seq()), withExts(append(clientExts(), san(gEmail("x@example.com")))...)))
	w.add(c, "UTF-8 subject", pr, w.leaf(root, withSubject(dn(org("Corpus"), cn("Zoë Ünïcødé")))))
	w.add(c, "extended key usage twice", pr, w.leaf(root, addExts(extKeyUsage(ekuClient))))
	w.add(c, "key usage that is not a BIT STRING", pr, w.leaf(root, withExts(extKeyUsage(ekuClient), ext{[]int{2, 5, 29, 15}, true, octets([]byte{0x80})})))
	w.add(c, "pathLen on a leaf without CA:TRUE", pr, w.leaf(root, addExts(basicConstraints(false, 0))))
	w.add(c, "key usage with decipherOnly only", pr, w.leaf(root, withExts(extKeyUsage(ekuClient), ext{[]int{2, 5, 29, 15}, true, der(0x03, []byte{7, 0, 0x80})})))
	denied := w.leaf(root)
	w.add(c, "denied by fingerprint", &profile{cas: []*cert{root}, crls: w.crls(root), depth: 2, deny: [][]byte{denied.der}}, denied)
	good := w.leaf(root)
	s := w.add(c, "garbage instead of a certificate", pr)
	s.raw = [][]byte{[]byte("\x30\x03garbage, not DER")}
	s = w.add(c, "truncated certificate", pr)
	s.raw = [][]byte{good.der[:len(good.der)-10]}
	s = w.add(c, "trailing bytes after the certificate", pr)
	s.raw = [][]byte{append(append([]byte{}, good.der...), 0, 0)}
}

func (w *world) revocationCases() {
	const c = "revocation"
	root := w.ca("CRL Root", nil)
	inter := w.ca("CRL Issuing", root)
	revokedLeaf := w.leaf(root)
	revokedByI := w.leaf(inter)
	revokedI := w.ca("Revoked Intermediate", root)
	expiredRevoked := w.leaf(root, withTimes(utc(w.now.Add(-60*24*time.Hour)), utc(w.now.Add(-24*time.Hour))))
	rootCRL := buildCRL(root, w.now.Add(-time.Hour), w.now.Add(7*24*time.Hour),
		[]crlEntry{{serialOf(revokedLeaf), 1}, {serialOf(revokedI), 0}, {serialOf(expiredRevoked), 4}}, nil)
	interCRL := buildCRL(inter, w.now.Add(-time.Hour), w.now.Add(7*24*time.Hour), []crlEntry{{serialOf(revokedByI), 1}}, nil)
	full := &profile{cas: []*cert{root}, crls: append([][]byte{rootCRL, interCRL}, w.crls(revokedI)...), depth: 2}
	w.add(c, "not revoked", full, w.leaf(root))
	w.add(c, "revoked by the root's CRL", full, revokedLeaf)
	w.add(c, "revoked by the intermediate's CRL", full, revokedByI, inter)
	w.add(c, "intermediate revoked", full, w.leaf(revokedI), revokedI)
	w.add(c, "revoked and expired", full, expiredRevoked)
	w.add(c, "no CRL for the intermediate", &profile{cas: []*cert{root}, crls: [][]byte{rootCRL}, depth: 2}, w.leaf(inter), inter)
	w.add(c, "no CRL at all configured", &profile{cas: []*cert{root}, depth: 2}, revokedLeaf)
	expired := buildCRL(root, w.now.Add(-30*24*time.Hour), w.now.Add(-time.Hour), nil, nil)
	w.add(c, "expired CRL", &profile{cas: []*cert{root}, crls: [][]byte{expired}, depth: 2}, w.leaf(root))
	future := buildCRL(root, w.now.Add(time.Hour), w.now.Add(30*24*time.Hour), nil, nil)
	w.add(c, "CRL not yet valid", &profile{cas: []*cert{root}, crls: [][]byte{future}, depth: 2}, w.leaf(root))
	k := ecKey()
	forged := buildCRL(root, w.now.Add(-time.Hour), w.now.Add(7*24*time.Hour), nil, &k)
	w.add(c, "CRL with a bad signature", &profile{cas: []*cert{root}, crls: [][]byte{forged}, depth: 2}, w.leaf(root))
}
