// Package compare measures the course's single-token schemes against the
// double-token (access + refresh) scheme of the chapter before it.
//
// It holds complete reference code, not exercises:
//   - DoubleServer and DoubleClient: a 30-minute access token and a 7-day
//     refresh token, rotated on every use, with reuse detection (RFC 9700
//     §4.14.2), the refresh token in the request body, an absolute
//     lifetime of 30 days per login (auth_time), and a client that runs one
//     refresh at a time for all its requests (single-flight), on a 401 or,
//     with Ahead, before the access token expires;
//   - SingleServer and SingleClient: one token renewed in a "token" response
//     header, on every response (step 03) or only near expiry with an
//     absolute session cap (step 05), by policy. Step 05 is a command and
//     cannot be imported: SingleServer holds its own copy of step 05's
//     renewal rule, and both run step 05's testdata/renewal-cases.txt;
//     with Revocable, its own copy of step 05's logout everywhere (the
//     row of the theft noticed on day 3), and both run step 05's
//     testdata/revocation-cases.txt;
//   - Simulate: the same user-activity traces, driven through this
//     package's HTTP handlers (in memory) with an injected clock, once per
//     seed.
//
// The table that Simulate prints stands in step05-threshold/README.md; a
// test fails when the two differ (go test ./solutions/compare -update
// rewrites the README's table).
package compare
