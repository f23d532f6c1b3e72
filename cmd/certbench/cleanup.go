package main

import (
	"fmt"
	"os"
)

// tempDir makes a folder for one benchmark and returns the function that
// removes it again.
func tempDir(name string) (string, func(), error) {
	dir, err := os.MkdirTemp("", "certbench-"+name+"-")
	if err != nil {
		return "", nil, fmt.Errorf("a folder for the %s benchmark: %w", name, err)
	}
	return dir, func() { warnOnError("removing "+dir, os.RemoveAll(dir)) }, nil
}

// warnOnError reports a failed clean-up on stderr. A benchmark's figures
// stand whatever its clean-up does, so the clean-up does not fail it.
func warnOnError(what string, err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "certbench: %s: %v\n", what, err)
	}
}
