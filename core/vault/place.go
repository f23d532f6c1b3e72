package vault

import (
	"fmt"
	"os"
	"path/filepath"
)

// Warnings lists what is unsafe about where the vault lives: a folder that
// other users can write to (they could replace the file, or plant a
// journal that SQLite would replay into it) or a file or folder owned by
// another user. Certdesk warns rather than refuses, because shared and
// managed set-ups (a folder on a mounted volume, an admin's account) can
// be deliberate; the integrity checks still catch records changed by
// anyone without the vault key. Callers show each warning to the user.
func (v *Vault) Warnings() []string { return append([]string(nil), v.warnings...) }

func placeWarnings(path string) []string {
	var out []string
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err == nil {
		if st.Mode().Perm()&0o022 != 0 {
			out = append(out, fmt.Sprintf("the vault's folder %s can be written by other users (mode %04o): they could replace the vault or plant files beside it; move it to a folder only you can write (chmod go-w, or a folder in your home)", dir, st.Mode().Perm()))
		}
		if owner, ok := ownerOf(st); ok && owner != os.Geteuid() {
			out = append(out, fmt.Sprintf("the vault's folder %s belongs to another user (uid %d): they control what is in it", dir, owner))
		}
	}
	if st, err := os.Stat(path); err == nil {
		if owner, ok := ownerOf(st); ok && owner != os.Geteuid() {
			out = append(out, fmt.Sprintf("the vault file %s belongs to another user (uid %d): they can change or replace it", path, owner))
		}
		if st.Mode().Perm()&0o022 != 0 {
			out = append(out, fmt.Sprintf("the vault file %s can be written by other users (mode %04o): chmod 600 it", path, st.Mode().Perm()))
		}
	}
	return out
}
