// Command certctl is Certdesk's headless command line: everything the
// desktop app does, for scripts and terminals.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], newEnv()))
}
