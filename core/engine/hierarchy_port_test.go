package engine

import (
	"path/filepath"
	"strings"
	"testing"

	"certdesk/core/export"
	"certdesk/core/peer/peertest"
	"certdesk/core/pki"
)

// checkWhole checks that a vault holds the hierarchy whole: Issuing and
// Sibling under Root, Issuing with its key, Alice's chain up to the root
// (verified by openssl), and the root able to revoke Issuing.
func checkWhole(t *testing.T, e *Engine) {
	t.Helper()
	nodes, err := e.CATree(ctx)
	if err != nil {
		t.Fatal(err)
	}
	depth := map[string]int{}
	for _, n := range nodes {
		depth[n.CA.Name] = n.Depth
	}
	if depth["Root"] != 0 || depth["Issuing"] != 1 {
		t.Fatalf("the tree after the round trip: %v", depth)
	}
	issuing, err := e.CAByName(ctx, "Issuing")
	if err != nil {
		t.Fatal(err)
	}
	if issuing.TrustOnly() {
		t.Fatal("the issuing CA lost its key")
	}
	bob := issue(t, e, issuing, "Bob")
	dir := t.TempDir()
	h := &hierarchy{e: e}
	root, _ := e.CAByName(ctx, "Root")
	rootFile := h.write(t, dir, root.CertID, export.PEM, "root.pem")
	for _, rec := range []Record{bob} {
		chain := h.write(t, dir, rec.ID, export.Chain, "chain.pem")
		if blocks, _ := pki.PEMBlocks(peertest.ReadFile(t, chain)); len(blocks) != 3 {
			t.Errorf("the chain of %s holds %d certificates, want 3", rec.CommonName, len(blocks))
		}
		leaf := h.write(t, dir, rec.ID, export.PEM, "leaf.pem")
		if out := peertest.Run(t, "openssl", "verify", "-purpose", "sslclient", "-CAfile", rootFile, "-untrusted", chain, leaf); !strings.Contains(out, "OK") {
			t.Errorf("openssl verify: %s", out)
		}
	}
	if _, err := e.Revoke(ctx, issuing.CertID, 1); err != nil {
		t.Errorf("the root cannot revoke the issuing CA after the round trip: %v", err)
	}
}

// TestBackupRestoreKeepsHierarchy: a restored backup holds the hierarchy,
// the pending CA and the profiles.
func TestBackupRestoreKeepsHierarchy(t *testing.T) {
	h := newHierarchy(t)
	dir := t.TempDir()
	if _, err := h.e.RequestCA(ctx, "Pending", pki.CARequest{}, filepath.Join(dir, "p.csr")); err != nil {
		t.Fatal(err)
	}
	if err := h.e.SaveProfile(ctx, Profile{Name: "devices", Days: 90, SANKinds: []string{pki.SANDNS, pki.SANIP}}, false); err != nil {
		t.Fatal(err)
	}
	if err := h.e.SetDefaultProfile(ctx, h.issuing, "devices"); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := h.e.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "restored.db")
	if err := Restore(ctx, backup, target, func() ([]byte, error) { return nil, nil }); err != nil {
		t.Fatal(err)
	}
	e, err := OpenUnlocked(target, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if p, _ := e.PendingCAs(ctx); len(p) != 1 || p[0].Name != "Pending" {
		t.Errorf("pending CAs after restore: %v", p)
	}
	issuing, _ := e.CAByName(ctx, "Issuing")
	if p, ok, err := e.DefaultProfile(ctx, issuing); err != nil || !ok || p.Days != 90 {
		t.Errorf("default profile after restore: %+v %v %v", p, ok, err)
	}
	checkWhole(t, e)
}

// TestEasyRSAKeepsHierarchy: the root and the issuing CA exported as
// easy-rsa folders and imported into a new vault, in either order, make
// the same hierarchy again.
func TestEasyRSAKeepsHierarchy(t *testing.T) {
	peertest.Require(t, "openssl")
	h := newHierarchy(t)
	dirs := map[string]string{}
	for _, ca := range []CA{h.root, h.issuing} {
		dirs[ca.Name] = filepath.Join(t.TempDir(), ca.Name)
		if _, err := h.e.ExportPKI(ctx, PKIExport{CA: ca, Dir: dirs[ca.Name], Password: "folder-password"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, order := range [][]string{{"Root", "Issuing"}, {"Issuing", "Root"}} {
		t.Run(strings.Join(order, "-then-"), func(t *testing.T) {
			e := newEngine(t)
			for _, name := range order {
				if _, _, err := e.ImportPKI(ctx, PKIImport{Source: dirs[name], Password: []byte("folder-password"), Name: name}); err != nil {
					t.Fatalf("importing %s: %v", name, err)
				}
			}
			alice, err := e.Find(ctx, "Alice")
			if err != nil || !alice.HasKey {
				t.Fatalf("Alice after the import: %+v %v", alice, err)
			}
			checkWhole(t, e)
		})
	}
}
