//go:build !race

package compare

// raceDetector: the tests run under -race.
const raceDetector = false
