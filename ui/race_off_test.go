//go:build !race

package ui

// raceEnabled says the tests were built with -race.
const raceEnabled = false
