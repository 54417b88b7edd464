// Package readme holds the tests that keep the course's documents honest:
// every command-and-output transcript in a README (or any other tracked
// Markdown file at the root or in a step) is replayed against the code as
// committed, or marked in the file as illustrative; and no tracked file
// carries an absolute path of anyone's machine.
//
// A transcript is a fenced block with "$ command" lines and their output,
// or a ```sh block of commands followed at once by an unlabelled block of
// output. A marker on the line before the block (before either block of a
// pair) exempts it:
//
//	<!-- illustrative: why it is not replayed -->
//	<!-- replayed by solutions/course TestName -->
//
// The second only where that package has that test, which replays the
// transcript itself (TestTranscripts checks that the test exists).
//
// Everything else is replayed by TestTranscripts: the commands run in bash
// (one session per file, so variables carry over), `go run` of a step
// becomes that step's solved server (built once, listening on a free
// port, the transcript's localhost:3xxx rewritten to it), and `curl` is
// this test binary, which speaks HTTP with net/http and accepts only the
// curl flags the READMEs use. `go test` transcripts of a starter run the
// failing tests they show. Output is compared line by line after masking
// what varies between runs (tokens, dates, ports, timings, paths); a line
// "…" stands for any lines, a line ending in " …" for any rest of line.
package readme
