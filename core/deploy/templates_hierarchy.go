package deploy

// hierarchyTemplates replace a server's template in a kit for an issuing
// CA, where the root-kit template cannot be extended line by line.
var hierarchyTemplates = map[Target]string{
	Go: `// A Go HTTPS server that accepts only people of the issuing CA "{{.CAName}}",
// verified up to its root, with no CA of the chain revoked.
// Run: go run mtls_server.go   Restart it after publishing new CRLs.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"
)

func main() {
	cas := readCertificates({{str .ChainFile}}) // the issuing CA, the CAs above it, the root last
	issuing, root := cas[0], cas[len(cas)-1]
	roots, intermediates := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root)
	for _, c := range cas[:len(cas)-1] {
		intermediates.AddCert(c)
	}
	revoked := loadCRLs({{str .CRLFile}}, cas) // revoked serials, by the CA that revoked them

	server := &http.Server{
		Addr:              {{str .Listen}},
		ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{
			ClientAuth:             tls.RequireAnyClientCert, // a certificate is required; it is verified below
			SessionTicketsDisabled: true,                     // judge every connection afresh
			VerifyConnection: func(cs tls.ConnectionState) error {
				leaf := cs.PeerCertificates[0]
				pool := intermediates.Clone()
				for _, c := range cs.PeerCertificates[1:] {
					pool.AddCert(c)
				}
				chains, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: pool,
					KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
				if err != nil {
					return err
				}
				chain := chains[0]
				if !chain[1].Equal(issuing) { // the root also signs other issuing CAs: keep them out
					return errors.New("client certificate not issued by " + issuing.Subject.CommonName)
				}
				for i := 0; i+1 < len(chain); i++ { // Go checks no CRL: every level here
					if revoked[string(chain[i+1].RawSubject)+"/"+chain[i].SerialNumber.String()] {
						return fmt.Errorf("%s is revoked", chain[i].Subject.CommonName)
					}
				}
				return nil
			},
		},
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			client := r.TLS.PeerCertificates[0] // what the application knows about the client
			fmt.Fprintf(w, "Hello, %s (serial %X)\n", client.Subject.CommonName, client.SerialNumber)
		}),
	}
	log.Fatal(server.ListenAndServeTLS({{str .ServerCert}}, {{str .ServerKey}}))
}

func readCertificates(path string) []*x509.Certificate {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	var out []*x509.Certificate
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			log.Fatal(err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		log.Fatalf("no certificate in %s", path)
	}
	return out
}

// loadCRLs reads every CRL of the file, each checked against the CA that
// signed it and for its date.
func loadCRLs(path string, cas []*x509.Certificate) map[string]bool {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	out := map[string]bool{}
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		crl, err := x509.ParseRevocationList(block.Bytes)
		if err != nil {
			log.Fatal(err)
		}
		var signer *x509.Certificate
		for _, ca := range cas {
			if crl.CheckSignatureFrom(ca) == nil {
				signer = ca
			}
		}
		if signer == nil { // another CA's CRL, published in the same file
			log.Printf("%s: skipping a CRL signed by none of this kit's CAs", path)
			continue
		}
		if time.Now().After(crl.NextUpdate) {
			log.Fatalf("the CRL of %s expired on %s: publish a new one (certctl crl)", signer.Subject.CommonName, crl.NextUpdate.Format(time.DateOnly))
		}
		for _, e := range crl.RevokedCertificateEntries {
			out[string(signer.RawSubject)+"/"+e.SerialNumber.String()] = true
		}
	}
	return out
}
`,
}
