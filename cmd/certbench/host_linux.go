//go:build linux

package main

import (
	"os"
	"strings"
)

// hostCPU is the processor's model name from /proc/cpuinfo.
func hostCPU() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU (" + err.Error() + ")"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if name, ok := strings.CutPrefix(line, "model name"); ok {
			if _, value, ok := strings.Cut(name, ":"); ok {
				return strings.TrimSpace(value)
			}
		}
	}
	return "unknown CPU"
}
