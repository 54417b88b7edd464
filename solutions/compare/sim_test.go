package compare

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the simulation table in step05-threshold/README.md")

const (
	readmePath = "../../step05-threshold/README.md"
	tableBegin = "<!-- simulation table: begin (go test ./solutions/compare -update rewrites it) -->\n"
	tableEnd   = "<!-- simulation table: end -->"
)

// seed is the seed of the README's table.
const seed = 2026

func TestSimulateIsDeterministic(t *testing.T) {
	assert.Equal(t, Simulate(seed), Simulate(seed), "same seed, same table")
}

// TestSimulationFindings checks what the lesson reads from the table.
func TestSimulationFindings(t *testing.T) {
	rows := map[string]map[string]Row{}
	for _, r := range Simulate(seed) {
		if rows[r.Trace] == nil {
			rows[r.Trace] = map[string]Row{}
		}
		rows[r.Trace][r.Scheme] = r
	}
	every, near, double := Schemes[0], Schemes[1], Schemes[2]

	daily := rows["daily user, 30 days"]
	assert.Equal(t, int64(daily[every].Requests+1), daily[every].Signed, "step 03 signs a token per request, plus the login")
	assert.Less(t, daily[near].Signed*10, daily[every].Signed, "step 05 signs over ten times fewer tokens")
	assert.Zero(t, daily[near].ExtraTrips, "a single token costs no extra round trip")
	assert.Positive(t, daily[double].ExtraTrips, "a double token costs a refresh and a replay per visit")
	for _, s := range Schemes {
		assert.Zero(t, daily[s].Relogins, "%s: a daily user is never logged out within 30 days", s)
	}

	parallel := rows["5 parallel requests, 1 h before the 7-day expiry"]
	assert.EqualValues(t, 6, parallel[double].ExtraTrips, "single-flight: one refresh, five replays")
	assert.Zero(t, parallel[double].Seen401, "the 401s are absorbed by the client")

	stolen := rows["credential stolen on day 2, used hourly"]
	assert.True(t, strings.HasPrefix(stolen[every].Stolen, "≥"), "step 03: a stolen token lives as long as the thief keeps using it: %s", stolen[every].Stolen)
	assert.Equal(t, "27.4 days", stolen[near].Stolen, "step 05: the thief is cut at the 30-day cap")
	assert.True(t, strings.HasSuffix(stolen[double].Stolen, " h"), "double token: reuse detection cuts the thief within a day: %s", stolen[double].Stolen)
	assert.Equal(t, 1, stolen[double].Relogins, "the detection logs the user out too: the price of rotation")
}

// TestREADMETable fails when the table in step05-threshold/README.md is not
// what the simulation prints. Run with -update to rewrite it.
func TestREADMETable(t *testing.T) {
	raw, err := os.ReadFile(readmePath)
	require.NoError(t, err)
	readme := string(raw)
	begin := strings.Index(readme, tableBegin)
	end := strings.Index(readme, tableEnd)
	require.True(t, begin >= 0 && end > begin, "%s must hold the markers %q and %q", readmePath, tableBegin, tableEnd)

	want := Table(Simulate(seed))
	got := readme[begin+len(tableBegin) : end]
	if *update {
		require.NoError(t, os.WriteFile(readmePath, []byte(readme[:begin+len(tableBegin)]+want+readme[end:]), 0o644))
		return
	}
	assert.Equal(t, want, got, "the README's table differs from the simulation: run go test ./solutions/compare -update")
}
