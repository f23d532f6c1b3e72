package pki

import (
	"crypto/x509"
	"fmt"
	"strings"
)

// Usage is the set of extended key usages a leaf is issued with. A leaf is
// never a CA, whichever set is chosen.
type Usage string

// The usage sets Certdesk issues. The zero value means the default of the
// kind of certificate (client for people, server for servers).
const (
	ClientUsage       Usage = "client"
	ServerUsage       Usage = "server"
	ClientServerUsage Usage = "client+server"
)

// Usages lists the sets in the order a user should see them.
var Usages = []Usage{ClientUsage, ServerUsage, ClientServerUsage}

// ParseUsage reads a usage set by name ("both" and "server+client" are
// accepted for client+server).
func ParseUsage(s string) (Usage, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return "", nil
	case "client", "clientauth":
		return ClientUsage, nil
	case "server", "serverauth":
		return ServerUsage, nil
	case "client+server", "server+client", "both", "client,server", "server,client":
		return ClientServerUsage, nil
	}
	return "", fmt.Errorf("%q is not a usage: choose client, server or client+server", s)
}

// ekus is the extended key usage list of the set, def when unset.
func (u Usage) ekus(def Usage) []x509.ExtKeyUsage {
	if u == "" {
		u = def
	}
	switch u {
	case ServerUsage:
		return []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	case ClientServerUsage:
		return []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}
	}
	return []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
}
