//go:build !linux

package main

// hostCPU names no model where there is no /proc/cpuinfo.
func hostCPU() string { return "unknown CPU" }
