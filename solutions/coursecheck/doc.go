// Package coursecheck holds the course checker: TestCourse verifies every
// step listed in go.work against its solved copy in solutions/. It has no
// code of its own; run it with go test ./solutions/...
package coursecheck
