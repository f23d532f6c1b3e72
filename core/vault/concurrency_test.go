package vault

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"certdesk/core/certinfo"
	"certdesk/core/pki"
)

// The three admins of TestThreeAdminsAtOnce run in child processes: this
// test binary, started again with CERTDESK_TEAM_CHILD naming the role.
const (
	childRole = "CERTDESK_TEAM_CHILD"
	childURL  = "CERTDESK_TEAM_URL"
	childStop = "CERTDESK_TEAM_STOP"
	people    = 1000
)

// TestThreeAdminsAtOnce: the issuer issues 1,000 people while the owner
// revokes and signs CRLs and the auditor reads and checks, each in its own
// process as its own database role. Afterwards: every issuance landed,
// serials are unique, CRL numbers rose by one each time, the revocations
// the owner made are the ones recorded, and the audit chain is intact.
func TestThreeAdminsAtOnce(t *testing.T) {
	if role := os.Getenv(childRole); role != "" {
		runChild(t, role)
		return
	}
	if testing.Short() {
		t.Skip("issues 1,000 certificates")
	}
	tm := newTeam(t)
	stop := filepath.Join(t.TempDir(), "stop")
	start := time.Now()
	out := map[string]*bytes.Buffer{}
	cmds := map[string]*exec.Cmd{}
	for _, name := range []string{"ivan", "alice", "audrey"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestThreeAdminsAtOnce$", "-test.count=1", "-test.timeout=5m")
		cmd.Env = append(os.Environ(), childRole+"="+name, childURL+"="+tm.url[name], childStop+"="+stop)
		out[name] = &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = out[name], out[name]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[name] = cmd
	}
	if err := cmds["ivan"].Wait(); err != nil {
		t.Fatalf("issuer: %v\n%s", err, out["ivan"])
	}
	issued := time.Since(start)
	os.WriteFile(stop, nil, 0o600)
	for _, name := range []string{"alice", "audrey"} {
		if err := cmds[name].Wait(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out[name])
		}
	}
	revoked, crls := lines(out["alice"], "revoked "), lines(out["alice"], "crl ")
	reads := lines(out["audrey"], "read ")
	t.Logf("1,000 issued in %v; meanwhile %d revocations, %d CRLs, %d audited reads", issued.Round(time.Millisecond), len(revoked), len(crls), len(reads))
	if len(revoked) < 5 || len(crls) < 5 || len(reads) < 3 {
		t.Errorf("the admins did not overlap: %d revocations, %d CRLs, %d reads", len(revoked), len(crls), len(reads))
	}
	for i := 1; i < len(crls); i++ {
		if atoi(crls[i]) != atoi(crls[i-1])+1 {
			t.Errorf("CRL numbers %s then %s", crls[i-1], crls[i])
		}
	}
	checkTeamAfter(t, tm, len(revoked), len(crls))
}

// checkTeamAfter checks the final state as the auditor and as raw SQL.
func checkTeamAfter(t *testing.T, tm *team, revoked, crls int) {
	audrey := tm.as(t, "audrey")
	if n, _ := audrey.Count(ctx, Filter{Kind: KindClient}); n != people {
		t.Errorf("%d people in the vault, want %d", n, people)
	}
	if n, _ := audrey.Count(ctx, Filter{Status: certinfo.Revoked}); n != revoked {
		t.Errorf("%d revoked in the vault, the owner revoked %d", n, revoked)
	}
	var distinct, all, maxCRL, nCRL int
	audrey.db.QueryRow(`SELECT count(DISTINCT serial), count(*) FROM certs`).Scan(&distinct, &all)
	if distinct != all || all != people+1 {
		t.Errorf("%d distinct serials among %d certificates", distinct, all)
	}
	audrey.db.QueryRow(`SELECT max(number), count(*) FROM crls`).Scan(&maxCRL, &nCRL)
	if maxCRL != crls || nCRL != crls {
		t.Errorf("CRLs in the vault: %d, highest number %d; the owner signed %d", nCRL, maxCRL, crls)
	}
	chain, err := audrey.VerifyAudit(ctx)
	if err != nil || !chain.Intact || chain.Entries < people+revoked+crls {
		t.Errorf("audit chain: %+v %v", chain, err)
	}
	if rep, err := audrey.CheckAll(ctx, CheckOptions{}); err != nil || len(rep.Problems) > 0 {
		t.Errorf("check: %+v %v", rep.Problems, err)
	}
}

func runChild(t *testing.T, role string) {
	v := unlocked(t, os.Getenv(childURL), teamPass[role])
	ca, err := v.CAByName(ctx, "Team CA")
	if err != nil {
		t.Fatal(err)
	}
	stopped := func() bool {
		_, err := os.Stat(os.Getenv(childStop))
		return err == nil
	}
	switch role {
	case "ivan":
		for i := range people {
			if _, err := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: fmt.Sprintf("Person %04d", i)}}); err != nil {
				t.Fatalf("issuing person %d: %v", i, err)
			}
		}
	case "alice":
		for !stopped() {
			childRevoke(t, v, ca)
		}
	case "audrey":
		for !stopped() {
			childRead(t, v)
		}
	}
}

func childRevoke(t *testing.T, v *Vault, ca CA) {
	valid, err := v.List(ctx, Filter{Kind: KindClient, Status: certinfo.Valid, Limit: 1, Sort: SortID, Descending: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(valid) > 0 {
		if _, err := v.Revoke(ctx, valid[0].ID, 1); err != nil {
			t.Fatalf("revoking %d: %v", valid[0].ID, err)
		}
		fmt.Printf("revoked %d\n", valid[0].ID)
	}
	crl, err := v.SignCRL(ctx, ca, 0)
	if err != nil {
		t.Fatalf("signing a CRL: %v", err)
	}
	fmt.Printf("crl %d\n", crl.Number)
	time.Sleep(20 * time.Millisecond)
}

func childRead(t *testing.T, v *Vault) {
	if _, err := v.List(ctx, Filter{Limit: 50}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.CountByStatus(ctx, 0); err != nil {
		t.Fatal(err)
	}
	chain, err := v.VerifyAudit(ctx)
	if err != nil || !chain.Intact {
		t.Fatalf("the auditor found the audit chain broken mid-flight: %+v %v", chain, err)
	}
	fmt.Printf("read %d\n", chain.Entries)
	time.Sleep(50 * time.Millisecond)
}

// lines are the values of output lines that start with prefix.
func lines(b *bytes.Buffer, prefix string) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b.Bytes()))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), prefix); ok {
			out = append(out, v)
		}
	}
	return out
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
