// Command certdesk is the Certdesk desktop app. main only wires things up:
// everything it shows lives in package ui, everything it does in core.
package main

import (
	"flag"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/theme"

	"certdesk/assets"
	"certdesk/core/scratch"
	"certdesk/ui"
)

func main() {
	vaultPath := flag.String("vault", os.Getenv("CERTDESK_VAULT"), "vault file (default: the user's config folder)")
	demo := flag.Bool("demo", false, "start straight into a throwaway demo vault with the test server running")
	tab := flag.String("tab", "", "open on this tab: certificates or server")
	addr := flag.String("addr", "", "the test server's address (default 127.0.0.1:8443)")
	themeName := flag.String("theme", "", "light or dark (default: follow the system)")
	size := flag.String("size", "1280x800", "the window's size, WIDTHxHEIGHT")
	flag.Parse()
	// Try-it and demo folders a crash left in the temporary folder.
	if _, err := scratch.CleanStale(); err != nil {
		fmt.Fprintln(os.Stderr, "certdesk: cleaning old temporary folders:", err)
	}
	var width, height float32
	if _, err := fmt.Sscanf(*size, "%fx%f", &width, &height); err != nil || width < 400 || height < 300 {
		fmt.Fprintln(os.Stderr, "certdesk: --size is WIDTHxHEIGHT, for example 1280x800")
		os.Exit(2)
	}

	a := app.NewWithID("io.certdesk.app")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	switch *themeName {
	case "light":
		a.Settings().SetTheme(ui.ForcedTheme(theme.VariantLight))
	case "dark":
		a.Settings().SetTheme(ui.ForcedTheme(theme.VariantDark))
	case "":
		a.Settings().SetTheme(ui.Theme())
	default:
		fmt.Fprintln(os.Stderr, "certdesk: --theme is light or dark")
		os.Exit(2)
	}
	w := a.NewWindow("Certdesk")
	w.Resize(fyne.NewSize(width, height))
	u := ui.New(a, w, ui.Options{
		VaultPath: *vaultPath, Demo: *demo, StartTab: *tab, ServerAddr: *addr,
		Picker: newPicker(w),
	})
	w.SetCloseIntercept(func() {
		u.Close()
		a.Quit()
	})
	u.Start()
	w.ShowAndRun()
}
