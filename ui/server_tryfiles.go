package ui

import (
	"certdesk/core/scratch"

	"certdesk/core/mtls"
)

// The try-it panel shows commands that connect as the chosen certificate;
// they need its files on disk. They live in a private temporary folder
// made when the server starts and removed when it stops: the certificate,
// its chain, the key (0600) and a PKCS#12 file.

// makeTryFolder makes the private folder for one server run, marked as
// Certdesk's so that a later start removes it if this process crashes.
func makeTryFolder() (*scratch.Dir, error) { return scratch.New("try") }

// removeTryFolder removes it and everything in it.
func removeTryFolder(dir *scratch.Dir) {
	if dir != nil {
		dir.Remove()
	}
}

// tryFiles writes the files of certificate certID (with its CA) into dir
// and returns the commands that use them against url.
func (j jobs) tryFiles(dir string, certID int64, url string) ([]mtls.Snippet, error) {
	kit, err := j.v.PrepareClientKit(j.ctx, certID, dir, url)
	return kit.Snippets, err
}
