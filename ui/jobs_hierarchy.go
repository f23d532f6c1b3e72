package ui

import (
	"context"

	"certdesk/core/engine"
	"certdesk/core/export"
	"certdesk/core/input"
	"certdesk/core/pki"
)

// caTree is the vault's CAs as the CA panel shows them: each parent before
// its children, their place in the hierarchy, and the CAs waiting for
// their certificate.
type caTree struct {
	cas     []engine.CA
	nodes   map[int64]engine.CANode
	pending []engine.PendingCA
}

// caTree reads the hierarchy and the pending CAs.
func (j jobs) caTree() (caTree, error) {
	nodes, err := j.v.CATree(j.ctx)
	if err != nil {
		return caTree{}, err
	}
	t := caTree{nodes: map[int64]engine.CANode{}}
	for _, n := range nodes {
		t.cas = append(t.cas, n.CA)
		t.nodes[n.CA.ID] = n
	}
	t.pending, err = j.v.PendingCAs(j.ctx)
	return t, err
}

// createIntermediate signs a new issuing CA with parent.
func (j jobs) createIntermediate(name string, parent engine.CA, req pki.CARequest) (engine.CA, error) {
	return j.v.CreateIntermediate(j.ctx, name, parent, req)
}

// requestCA makes a CA whose root is elsewhere and writes its CSR.
func (j jobs) requestCA(name string, req pki.CARequest, csrPath string) (engine.PendingCA, error) {
	return j.v.RequestCA(j.ctx, name, req, csrPath)
}

// installCACert completes a pending CA with its signed certificate.
func (j jobs) installCACert(name, certFile string) (engine.CA, []string, error) {
	return j.v.InstallCACert(j.ctx, name, certFile)
}

// signIntermediate signs a CSR file as an issuing CA under ca and writes
// the new CA's certificate with its chain (PEM) to out.
func (j jobs) signIntermediate(ctx context.Context, ca engine.CA, csrFile string, req pki.CARequest, out string) (engine.Record, error) {
	data, err := input.ReadFile(csrFile)
	if err != nil {
		return engine.Record{}, err
	}
	rec, err := j.v.SignIntermediate(ctx, ca, data, req)
	if err != nil {
		return rec, err
	}
	_, err = j.v.Export(ctx, engine.ExportRequest{ID: rec.ID, Format: export.Chain, Path: out, Replace: true})
	return rec, err
}

// issuedBy counts what a CA issued (its own certificate not counted,
// wherever it is listed).
func (j jobs) issuedBy(ca engine.CA) (int, error) { return j.v.IssuedCount(j.ctx, ca) }

// profileChoice is what the issue dialogs offer: the profiles, and the
// CA's default ("" when none).
type profileChoice struct {
	profiles   []engine.Profile
	defaultFor string
}

// profilesFor lists the profiles and the CA's default.
func (j jobs) profilesFor(ca engine.CA) (profileChoice, error) {
	all, err := j.v.Profiles(j.ctx)
	if err != nil {
		return profileChoice{}, err
	}
	c := profileChoice{profiles: all}
	if p, ok, err := j.v.DefaultProfile(j.ctx, ca); err != nil {
		return c, err
	} else if ok {
		c.defaultFor = p.Name
	}
	return c, nil
}

// profileRow is one profile and the CAs that default to it.
type profileRow struct {
	profile engine.Profile
	version int64 // as read, for edits refused when someone changed it since
	caNames []string
}

// profileRows lists every profile with the CAs whose default it is.
func (j jobs) profileRows(cas []engine.CA) ([]profileRow, error) {
	all, err := j.v.ProfileRows(j.ctx)
	if err != nil {
		return nil, err
	}
	rows := make([]profileRow, len(all))
	for i, p := range all {
		rows[i].profile, rows[i].version = p.Profile, p.Version
	}
	for _, ca := range cas {
		p, ok, err := j.v.DefaultProfile(j.ctx, ca)
		if err != nil {
			return nil, err
		}
		for i := range rows {
			if ok && rows[i].profile.Name == p.Name {
				rows[i].caNames = append(rows[i].caNames, ca.Name)
			}
		}
	}
	return rows, nil
}

// saveProfile stores a new profile.
func (j jobs) saveProfile(p engine.Profile) error { return j.v.SaveProfile(j.ctx, p, false) }

// removeProfile deletes a profile as shown (refused if changed since).
func (j jobs) removeProfile(shown profileRow) error {
	return j.v.RemoveProfileIfUnchanged(j.ctx, shown.profile.Name, shown.version)
}

// setDefaultProfile makes name the default of the CA as shown ("" for
// none; refused if the CA's default changed since).
func (j jobs) setDefaultProfile(shown engine.CA, name string) error {
	return j.v.SetDefaultProfileIfUnchanged(j.ctx, shown, name, shown.Version)
}

// issuePersonWith issues a person certificate with a profile ("" for the
// CA's default).
func (j jobs) issuePersonWith(ctx context.Context, ca engine.CA, profile string, req pki.PersonRequest) (engine.Record, error) {
	return j.v.IssuePersonWith(ctx, ca, profile, req)
}

// issueServerWith issues a server certificate with a profile.
func (j jobs) issueServerWith(ctx context.Context, ca engine.CA, profile string, req pki.ServerRequest) (engine.Record, error) {
	return j.v.IssueServerWith(ctx, ca, profile, req)
}
