package engine

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"certdesk/core/export"
	"certdesk/core/pgtest"
	"certdesk/core/pki"
)

// TestRightsAgreeWithTheDatabase: the table of rights (roles.go) says
// what PostgreSQL does. Each role tries every action on a real team
// vault; what the table allows succeeds, and what it does not is refused
// with ErrForbidden.
func TestRightsAgreeWithTheDatabase(t *testing.T) {
	pg := pgtest.Start(t)
	url := pg.NewDatabase(t, "olga")
	db := strings.TrimPrefix(strings.SplitN(url, "?", 2)[0], "postgres:///")
	pass := map[string][]byte{"olga": []byte("basalt ribbon walnut pier"), "ines": []byte("cobalt lantern thistle bay"), "abel": []byte("meadow socket prism tide")}
	owner, err := Create(url, pass["olga"], CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	ca := newCA(t, owner, "Rights CA")
	urls := map[string]string{"olga": url}
	for name, role := range map[string]string{"ines": RoleIssuer, "abel": RoleAuditor} {
		if err := owner.AddAdmin(ctx, name, role, pass[name]); err != nil {
			t.Fatal(err)
		}
		urls[name] = pg.URL(db, name)
	}
	dir := t.TempDir()
	n := 0
	fresh := func() Record { n++; return issue(t, owner, ca, fmt.Sprintf("Target %d", n)) }
	tries := map[Action]func(e *Engine) error{
		ActRead: func(e *Engine) error { // list, read the log, export a certificate without its key
			if _, err := e.List(ctx, Filter{}); err != nil {
				return err
			}
			if _, err := e.Audit(ctx, 0, 10); err != nil {
				return err
			}
			if _, err := e.VerifyAudit(ctx); err != nil {
				return err
			}
			_, err := e.Export(ctx, ExportRequest{ID: fresh().ID, Format: export.PEM, Path: filepath.Join(dir, e.admin()+".pem")})
			return err
		},
		ActIssue: func(e *Engine) error {
			_, err := e.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "New " + e.admin()}})
			return err
		},
		ActRenew:  func(e *Engine) error { _, err := e.Renew(ctx, fresh().ID, RenewOptions{}); return err },
		ActRevoke: func(e *Engine) error { _, err := e.Revoke(ctx, fresh().ID, 1); return err },
		ActExportKey: func(e *Engine) error {
			_, err := e.Export(ctx, ExportRequest{ID: fresh().ID, Format: export.Key, Path: filepath.Join(dir, e.admin()+".key")})
			return err
		},
		ActSignCRL: func(e *Engine) error {
			_, err := e.WriteCRL(ctx, ca, 0, filepath.Join(dir, e.admin()+".crl"), false, false)
			return err
		},
		ActTestServer: func(e *Engine) error {
			s, err := e.StartTestServer(ctx, ServerOptions{CA: ca, Addr: "127.0.0.1:0"})
			if err == nil {
				s.Close()
			}
			return err
		},
		ActManageCAs:    func(e *Engine) error { _, err := e.CreateCA(ctx, "CA of "+e.admin(), pki.CARequest{}); return err },
		ActEditProfiles: func(e *Engine) error { return e.SaveProfile(ctx, pki.Profile{Name: "profile-of-" + e.admin()}, false) },
		ActManageAdmins: func(e *Engine) error {
			return e.AddAdmin(ctx, "new_"+e.admin(), RoleAuditor, []byte("another long passphrase here"))
		},
	}
	if len(tries) != len(Actions()) {
		t.Fatalf("%d actions tried, the table has %d", len(tries), len(Actions()))
	}
	for _, name := range []string{"abel", "ines", "olga"} {
		e, err := OpenUnlocked(urls[name], pass[name])
		if err != nil {
			t.Fatal(err)
		}
		_, role := e.Me()
		for _, a := range Actions() {
			err := tries[a](e)
			switch may := RoleMay(role, a); {
			case may && err != nil:
				t.Errorf("%s (%s) may %s by the table, but: %v", name, role, ActionWords(a), err)
			case !may && !errors.Is(err, ErrForbidden):
				t.Errorf("%s (%s) may not %s by the table, but the vault said %v", name, role, ActionWords(a), err)
			}
		}
		e.Close()
	}
}

// admin is the connected admin's name.
func (e *Engine) admin() string { name, _ := e.Me(); return name }

// TestRoleSentences: what the faces say of each role.
func TestRoleSentences(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{RoleSummary("ada", RoleAuditor), "Signed in as ada (auditor): you can read, verify and see the log; issuing, renewing, revoking, exporting keys, signing CRLs and running the test server need an issuer or owner; managing CAs, editing profiles and managing admins need an owner."},
		{RoleSummary("ivan", RoleIssuer), "Signed in as ivan (issuer): you can issue, renew, revoke, export keys, sign CRLs and run the test server; managing CAs, editing profiles and managing admins need an owner."},
		{RoleSummary("olga", RoleOwner), "Signed in as olga (owner): you can do everything, admins included."},
		{RoleSummary("", ""), ""},
		{WhyNot(RoleAuditor, ActRevoke), "revoking needs an issuer or owner"},
		{WhyNot(RoleAuditor, ActManageCAs, ActRevoke, ActRead), "revoking needs an issuer or owner; managing CAs needs an owner"},
		{WhyNot(RoleIssuer, ActRevoke, ActIssue), ""},
		{WhyNot("", ActManageAdmins), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("got  %q\nwant %q", tc.got, tc.want)
		}
	}
}
