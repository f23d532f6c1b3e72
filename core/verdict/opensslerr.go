package verdict

// OpenSSL's X509_V_ERR_* codes the judge can meet, with the text
// X509_verify_cert_error_string gives them in OpenSSL 3.0; nginx puts
// "FAILED:" and that text in $ssl_client_verify.
const (
	errUnspecified               = 1
	errUnableToGetIssuerCert     = 2
	errUnableToGetCRL            = 3
	errUnableToDecodeIssuerKey   = 6
	errCertSignatureFailure      = 7
	errCRLSignatureFailure       = 8
	errCertNotYetValid           = 9
	errCertHasExpired            = 10
	errCRLNotYetValid            = 11
	errCRLHasExpired             = 12
	errNotBeforeField            = 13
	errNotAfterField             = 14
	errCRLLastUpdateField        = 15
	errCRLNextUpdateField        = 16
	errDepthZeroSelfSigned       = 18
	errSelfSignedInChain         = 19
	errUnableToGetIssuerLocally  = 20
	errUnableToVerifyLeafSig     = 21
	errChainTooLong              = 22
	errCertRevoked               = 23
	errInvalidCA                 = 24
	errPathLengthExceeded        = 25
	errInvalidPurpose            = 26
	errAKIDSKIDMismatch          = 30
	errAKIDIssuerSerialMismatch  = 31
	errKeyUsageNoCertSign        = 32
	errUnableToGetCRLIssuer      = 33
	errUnhandledCritical         = 34
	errKeyUsageNoCRLSign         = 35
	errUnhandledCriticalCRL      = 36
	errDifferentCRLScope         = 44
	errPermittedViolation        = 47
	errExcludedViolation         = 48
	errSubtreeMinMax             = 49
	errUnsupportedConstraintType = 51
	errUnsupportedNameSyntax     = 53
	errEEKeyTooSmall             = 66
	errCAKeyTooSmall             = 67
	errCAMDTooWeak               = 68
	errECExplicitParams          = 94
)

var opensslText = map[int]string{
	errUnspecified:               "unspecified certificate verification error",
	errUnableToGetIssuerCert:     "unable to get issuer certificate",
	errUnableToGetCRL:            "unable to get certificate CRL",
	errUnableToDecodeIssuerKey:   "unable to decode issuer public key",
	errCertSignatureFailure:      "certificate signature failure",
	errCRLSignatureFailure:       "CRL signature failure",
	errCertNotYetValid:           "certificate is not yet valid",
	errCertHasExpired:            "certificate has expired",
	errCRLNotYetValid:            "CRL is not yet valid",
	errCRLHasExpired:             "CRL has expired",
	errNotBeforeField:            "format error in certificate's notBefore field",
	errNotAfterField:             "format error in certificate's notAfter field",
	errCRLLastUpdateField:        "format error in CRL's lastUpdate field",
	errCRLNextUpdateField:        "format error in CRL's nextUpdate field",
	errDepthZeroSelfSigned:       "self-signed certificate",
	errSelfSignedInChain:         "self-signed certificate in certificate chain",
	errUnableToGetIssuerLocally:  "unable to get local issuer certificate",
	errUnableToVerifyLeafSig:     "unable to verify the first certificate",
	errChainTooLong:              "certificate chain too long",
	errCertRevoked:               "certificate revoked",
	errInvalidCA:                 "invalid CA certificate",
	errPathLengthExceeded:        "path length constraint exceeded",
	errInvalidPurpose:            "unsuitable certificate purpose",
	errAKIDSKIDMismatch:          "authority and subject key identifier mismatch",
	errAKIDIssuerSerialMismatch:  "authority and issuer serial number mismatch",
	errKeyUsageNoCertSign:        "key usage does not include certificate signing",
	errUnableToGetCRLIssuer:      "unable to get CRL issuer certificate",
	errUnhandledCritical:         "unhandled critical extension",
	errKeyUsageNoCRLSign:         "key usage does not include CRL signing",
	errUnhandledCriticalCRL:      "unhandled critical CRL extension",
	errDifferentCRLScope:         "different CRL scope",
	errPermittedViolation:        "permitted subtree violation",
	errExcludedViolation:         "excluded subtree violation",
	errSubtreeMinMax:             "name constraints minimum and maximum not supported",
	errUnsupportedConstraintType: "unsupported name constraint type",
	errUnsupportedNameSyntax:     "unsupported or invalid name syntax",
	errEEKeyTooSmall:             "EE certificate key too weak",
	errCAKeyTooSmall:             "CA certificate key too weak",
	errCAMDTooWeak:               "CA signature digest algorithm too weak",
	errECExplicitParams:          "Certificate public key has explicit ECC parameters",
}

// verifyEvent is one call of the verify callback with an error: what
// OpenSSL found, at which depth of the chain, about which certificate.
type verifyEvent struct {
	err   int
	depth int
	cert  *xcert
}
