package vault

import (
	"context"
	"fmt"
	"testing"

	"certdesk/core/pki"
)

// The fixtures the package's tests share.

var ctx = context.Background()

// newVault is an insecure vault where testVaultPath puts it (a file, or a
// database), closed when the test ends.
func newVault(t testing.TB) *Vault {
	t.Helper()
	return vaultAt(t, testVaultPath(t, "vault.db"), nil)
}

// vaultAt creates a vault at where (a file or a database) protected by
// pass, or insecure (no passphrase) when pass is nil; it is closed when the
// test ends, and the test may close it sooner.
func vaultAt(t testing.TB, where string, pass []byte) *Vault {
	t.Helper()
	v, err := Create(where, pass, CreateOptions{Insecure: pass == nil})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// unlocked opens the vault at where with its passphrase (nil for an
// insecure vault), closed when the test ends.
func unlocked(t testing.TB, where string, pass []byte) *Vault {
	t.Helper()
	v, err := OpenUnlocked(where, pass)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

func newCA(t testing.TB, v *Vault, name string) CA {
	t.Helper()
	ca, err := v.CreateCA(ctx, name, pki.CARequest{})
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

// peopleVaultAt is an insecure vault at where with a CA "Acme" that has
// issued n people, "Person 000" onwards.
func peopleVaultAt(t testing.TB, where string, n int) (*Vault, CA) {
	t.Helper()
	v := vaultAt(t, where, nil)
	ca := newCA(t, v, "Acme")
	issuePeople(t, v, ca, n, "Person %03d")
	return v, ca
}

// aliceVault is newVault with a CA "Acme" that has issued "Alice".
func aliceVault(t testing.TB) (*Vault, CA, Record) {
	t.Helper()
	v := newVault(t)
	ca := newCA(t, v, "Acme")
	return v, ca, issuedBy(t, v, ca, "Alice")
}

// issuedBy is a person certificate v issued from ca.
func issuedBy(t testing.TB, v *Vault, ca CA, cn string) Record {
	t.Helper()
	r, err := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: cn}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// issuePeople issues n people whose names are format with their index.
func issuePeople(t testing.TB, v *Vault, ca CA, n int, format string) {
	t.Helper()
	for i := range n {
		issuedBy(t, v, ca, fmt.Sprintf(format, i))
	}
}

// commonNames are the records' common names, in order.
func commonNames(recs []Record) []string {
	var names []string
	for _, r := range recs {
		names = append(names, r.CommonName)
	}
	return names
}
