package main

import (
	"github.com/spf13/cobra"

	"certdesk/core/pki"
)

// nameFlags are a subject's common name, organization and unit.
type nameFlags struct{ cn, org, ou string }

// register adds --cn (described by cnHelp), --org and --ou.
func (f *nameFlags) register(cmd *cobra.Command, cnHelp string) {
	cmd.Flags().StringVar(&f.cn, "cn", "", cnHelp)
	cmd.Flags().StringVar(&f.org, "org", "", "organization (O)")
	cmd.Flags().StringVar(&f.ou, "ou", "", "organizational unit (OU)")
}

func (f *nameFlags) name() pki.Name {
	return pki.Name{CommonName: f.cn, Organization: f.org, OrganizationalUnit: f.ou}
}

// caFlag adds --ca to a command that works with one CA, which may be left
// out when the vault has one; role says what the CA does.
func caFlag(cmd *cobra.Command, name *string, role string) {
	cmd.Flags().StringVar(name, "ca", "", role+" (may be left out when the vault has one CA)")
}

// keyFlag adds --key, the type of a new key (default ECDSA P-256).
func keyFlag(cmd *cobra.Command, keyType *string) {
	cmd.Flags().StringVar(keyType, "key", string(pki.DefaultKeyType), "key type: ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096, ed25519")
}

// outFlags are where a command writes its file, and whether it may
// replace one.
type outFlags struct {
	path  string
	force bool
}

// register adds --out (described by what) and --force.
func (f *outFlags) register(cmd *cobra.Command, what string) {
	cmd.Flags().StringVar(&f.path, "out", "", what)
	cmd.Flags().BoolVar(&f.force, "force", false, "replace an existing file")
}

// subjectFlags are the subject fields beyond CN, O and OU.
type subjectFlags struct{ country, state, locality, serial string }

func (f *subjectFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.country, "country", "", "country (C), two capital letters")
	cmd.Flags().StringVar(&f.state, "state", "", "state or province (ST)")
	cmd.Flags().StringVar(&f.locality, "locality", "", "locality (L)")
	cmd.Flags().StringVar(&f.serial, "subject-serial", "", "the subject's serialNumber attribute (a device or staff number)")
}

func (f *subjectFlags) subject() pki.Subject {
	return pki.Subject{Country: f.country, State: f.state, Locality: f.locality, SerialNumber: f.serial}
}

// leafFlags are what issue adds for service identities and devices: URI
// SANs, the EKU set, subject fields and a profile.
type leafFlags struct {
	subject subjectFlags
	uris    []string
	usage   string
	profile string
}

func (f *leafFlags) register(cmd *cobra.Command) {
	f.subject.register(cmd)
	cmd.Flags().StringArrayVar(&f.uris, "uri", nil, "URI SAN (repeatable; spiffe://trust-domain/path is checked as a SPIFFE ID)")
	cmd.Flags().StringVar(&f.usage, "usage", "", "extended key usage: client, server or client+server (default: client for people, server with --server)")
	cmd.Flags().StringVar(&f.profile, "profile", "", "issuance profile (default: the CA's default profile, if any)")
}

func (f *leafFlags) person(r *pki.PersonRequest) error {
	u, err := pki.ParseUsage(f.usage)
	r.Subject, r.URIs, r.Usage = f.subject.subject(), f.uris, u
	return err
}

func (f *leafFlags) server(r *pki.ServerRequest) error {
	u, err := pki.ParseUsage(f.usage)
	r.Subject, r.URIs, r.Usage = f.subject.subject(), f.uris, u
	return err
}
