package main

import (
	"github.com/spf13/cobra"

	"certdesk/core/pki"
)

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
