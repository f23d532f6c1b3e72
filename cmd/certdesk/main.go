// Command certdesk is the Certdesk desktop app.
package main

import (
	"flag"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"certdesk/core/vault"
	"certdesk/ui"
)

func main() {
	path := flag.String("vault", "", "vault file (default: the user's config folder)")
	flag.Parse()
	if *path == "" {
		if p := os.Getenv("CERTDESK_VAULT"); p != "" {
			*path = p
		} else if p, err := vault.DefaultPath(); err == nil {
			*path = p
		}
	}
	v, err := openOrCreate(*path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "certdesk:", err)
		os.Exit(1)
	}
	defer v.Close()
	a := app.NewWithID("io.certdesk.app")
	w := a.NewWindow("Certdesk")
	u := ui.New(v)
	if err := u.Reload(); err != nil {
		fmt.Fprintln(os.Stderr, "certdesk:", err)
	}
	w.SetContent(u.Content())
	w.Resize(fyne.NewSize(1000, 650))
	w.ShowAndRun()
}

// openOrCreate opens the vault, creating an insecure demo vault when none
// exists yet (the welcome flow with a passphrase comes with the full app).
func openOrCreate(path string) (*vault.Vault, error) {
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return vault.Create(path, nil, vault.CreateOptions{Insecure: true})
	}
	return vault.Open(path)
}
