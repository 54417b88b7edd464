// Package coursecheck holds the course checker (TestCourse,
// TestWrongAnswers; run them with go test ./solutions/...) and the code it
// shares with tools for learners:
//
//   - ScanTODOs finds a step's TODOs in its code files; ParseLabels and
//     TODOs.Named read the labels "TODO n (file)" that name them;
//   - RunTests runs go test -json and returns a Result: each test's result
//     and output, the failing tests in the order a learner sees them,
//     panics, build errors, and the plain output (RunTestsRaw and
//     ParseRun do the same in two halves, for a run kept to be read again);
//   - ParseHints reads the hint ladders of a step's HINTS.md, and
//     HintsInREADME finds a rung left in its README;
//   - ParseWrongAnswers reads a file of known wrong answers;
//   - GitHead and CommittedOverlay compare a step with git's HEAD.
package coursecheck
