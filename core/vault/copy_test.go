package vault

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"certdesk/core/pki"
)

// TestCopyFileToServerAndBack moves a vault file with CAs, people,
// revocations, CRLs and a deny-list into PostgreSQL and back into a new
// file; each copy is compared row by row by CopyTo, then opened, unlocked
// and checked in full, and works on.
func TestCopyFileToServerAndBack(t *testing.T) {
	pass := []byte("quartz meadow lantern orbit")
	src := vaultAt(t, filepath.Join(t.TempDir(), "v.db"), pass)
	ca := newCA(t, src, "Acme")
	var people []Record
	for _, cn := range []string{"Alice", "Bob", "Carol"} {
		r, err := src.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: cn}})
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, r)
	}
	src.Revoke(ctx, people[1].ID, 1)
	src.SignCRL(ctx, ca, 0)
	if _, err := src.DenyFingerprint(ctx, pki.HexToColon("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"), 1, "lost laptop"); err != nil {
		t.Fatal(err)
	}

	url := newPGVaultURL(t)
	rep, err := src.CopyTo(ctx, url, pass)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows["certs"] != 4 || rep.Rows["audit"] < 6 || rep.Rows["crls"] != 1 || rep.Rows["denied_fingerprints"] != 1 {
		t.Errorf("copied rows: %v", rep.Rows)
	}
	team := openChecked(t, url, pass)
	dave, err := team.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Dave"}})
	if err != nil {
		t.Fatalf("issuing in the copy: %v", err)
	}
	if dave.ID <= people[2].ID {
		t.Errorf("the copy's id counter did not continue: Dave has id %d", dave.ID)
	}
	back := filepath.Join(t.TempDir(), "back.db")
	if _, err := team.CopyTo(ctx, back, pass); err != nil {
		t.Fatal(err)
	}
	file := openChecked(t, back, pass)
	for _, r := range append(people, dave) {
		if _, err := file.PrivateKey(ctx, r.ID); err != nil {
			t.Errorf("%s's key after the round trip: %v", r.CommonName, err)
		}
	}
	if st, _ := file.RevocationStateOf(ctx, people[1].ID); !st.Revoked {
		t.Error("Bob's revocation was lost")
	}
}

// TestCopyIsAllOrNothing: a copy that fails before its commit leaves the
// database empty and no file behind.
func TestCopyIsAllOrNothing(t *testing.T) {
	pass := []byte("quartz meadow lantern orbit")
	src, _, _ := newProtected(t, string(pass))
	failPoint = func(stage string) error {
		if stage == "copy" {
			return errors.New("power cut")
		}
		return nil
	}
	defer func() { failPoint = nil }()
	url := newPGVaultURL(t)
	if _, err := src.CopyTo(ctx, url, pass); err == nil {
		t.Fatal("the copy did not fail")
	}
	if _, err := Open(url); !errors.Is(err, ErrNoVault) {
		t.Errorf("the database after a failed copy: %v", err)
	}
	file := filepath.Join(t.TempDir(), "copy.db")
	if _, err := src.CopyTo(ctx, file, pass); err == nil {
		t.Fatal("the copy did not fail")
	}
	if entries, _ := os.ReadDir(filepath.Dir(file)); len(entries) != 0 {
		t.Errorf("files left after a failed copy: %v", entries)
	}
}

func openChecked(t *testing.T, where string, pass []byte) *Vault {
	t.Helper()
	v := unlocked(t, where, pass)
	rep, err := v.CheckAll(ctx, CheckOptions{Full: true})
	if err != nil || len(rep.Problems) > 0 {
		t.Fatalf("check of %s: %+v %v", where, rep.Problems, err)
	}
	if chain, err := v.VerifyAudit(ctx); err != nil || !chain.Intact {
		t.Fatalf("audit chain of %s: %+v %v", where, chain, err)
	}
	return v
}
