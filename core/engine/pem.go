package engine

import (
	"crypto/x509"

	"certdesk/core/pki"
)

func encodeCertPEM(c *x509.Certificate) []byte { return pki.EncodeCertPEM(c) }
