package vault

import (
	"path/filepath"
	"testing"
)

// TestTeamBackupRestoresToBoth: the issuer backs up the team vault; the
// file opens with the issuer's passphrase and restores into a vault file
// and into an empty database, each checked in full with every key opening.
func TestTeamBackupRestoresToBoth(t *testing.T) {
	tm := newTeam(t)
	ivan := tm.as(t, "ivan")
	bob := issuedBy(t, ivan, tm.ca, "Bob")
	ivan.Revoke(ctx, bob.ID, 1)
	backup := filepath.Join(t.TempDir(), "team-backup.db")
	if err := ivan.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	pass := func() ([]byte, error) { return teamPass["ivan"], nil }
	for _, target := range []string{filepath.Join(t.TempDir(), "restored.db"), newPGVaultURL(t)} {
		if err := Restore(ctx, backup, target, pass); err != nil {
			t.Fatalf("restoring into %s: %v", target, err)
		}
		v := openChecked(t, target, teamPass["ivan"])
		if _, err := v.PrivateKey(ctx, bob.ID); err != nil {
			t.Errorf("Bob's key in %s: %v", target, err)
		}
		if st, _ := v.RevocationStateOf(ctx, bob.ID); !st.Revoked {
			t.Errorf("Bob's revocation lost in %s", target)
		}
	}
	if _, err := OpenUnlocked(backup, teamPass["alice"]); err == nil {
		t.Error("the issuer's backup opened with the owner's passphrase")
	}
}
