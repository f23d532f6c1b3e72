package ui

import (
	"os"

	"certdesk/core/mtls"
)

// The try-it panel shows commands that connect as the chosen certificate;
// they need its files on disk. They live in a private temporary folder
// made when the server starts and removed when it stops: the certificate,
// its chain, the key (0600) and a PKCS#12 file.

// makeTryFolder makes the private folder for one server run.
func makeTryFolder() (string, error) { return os.MkdirTemp("", "certdesk-try-") }

// removeTryFolder removes it and everything in it.
func removeTryFolder(dir string) {
	if dir != "" {
		os.RemoveAll(dir)
	}
}

// tryFiles writes the files of certificate certID (with its CA) into dir
// and returns the commands that use them against url.
func (j jobs) tryFiles(dir string, certID int64, url string) ([]mtls.Snippet, error) {
	kit, err := j.v.PrepareClientKit(j.ctx, certID, dir, url)
	return kit.Snippets, err
}
