//go:build unix

package vault

import (
	"os"
	"syscall"
)

func ownerOf(st os.FileInfo) (int, bool) {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return int(s.Uid), true
	}
	return 0, false
}
