package compare

import (
	"flag"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the simulation table in step05-threshold/README.md and its Chinese sibling")

const (
	readmePath = "../../step05-threshold/README.md"
	tableBegin = "<!-- simulation table: begin (go test ./solutions/compare -update rewrites it) -->\n"
	tableEnd   = "<!-- simulation table: end -->"
)

// tableRows are the rows of the README's table, simulated once per test
// binary.
var tableRows = sync.OnceValue(func() []Row { return Simulate(Seeds, TheftSeeds) })

// skipUnderRace skips a test that needs the README's table: its runs take
// seconds, and minutes under -race. TestSimulateIsDeterministic runs a few
// seeds under -race, on as many goroutines.
func skipUnderRace(t *testing.T) {
	if raceDetector {
		t.Skip("-race: the table's runs take minutes under the race detector; go test ./solutions/compare checks it")
	}
	if testing.Short() {
		t.Skip("-short: the table's runs take seconds; go test ./solutions/compare (without -short, as CI) checks it")
	}
}

func TestSimulateIsDeterministic(t *testing.T) {
	assert.Equal(t, Simulate(2, 2), Simulate(2, 2), "same seeds, same table, whatever the order the runs end in")
}

// TestSimulationFindings checks what the lesson reads from the table.
func TestSimulationFindings(t *testing.T) {
	skipUnderRace(t)
	rows := map[string]map[string]Row{}
	for _, r := range tableRows() {
		if rows[r.Trace] == nil {
			rows[r.Trace] = map[string]Row{}
		}
		rows[r.Trace][r.Scheme] = r
	}
	every, near, onExpiry, ahead := Schemes[0], Schemes[1], Schemes[2], Schemes[3]
	doubles := []string{onExpiry, ahead}
	zero := Span[int]{}
	zero.add(0)

	daily := rows["daily user, 30 days"]
	assert.Equal(t, daily[every].Requests.Max+1, int(daily[every].Signed.Min), "step 03 signs a token per request, plus the login")
	assert.Less(t, daily[near].Signed.Max*10, daily[every].Signed.Min, "step 05 signs over ten times fewer tokens")
	assert.Zero(t, daily[near].ExtraTrips.Max, "a single token costs no extra round trip")
	visits := int64(daily[every].Requests.Max / 3)
	assert.InDelta(t, 2*visits, daily[onExpiry].ExtraTrips.Max, 2, "refresh on a 401: a refresh and a replay per visit")
	assert.InDelta(t, visits, daily[ahead].ExtraTrips.Max, 1, "refresh ahead of exp: a refresh per visit, no replay")
	for _, s := range Schemes[:revocable] {
		assert.Equal(t, zero, daily[s].Relogins, "%s: a daily user is never logged out within 30 days", s)
	}

	weekly := rows["weekly user, 8 weeks"]
	assert.Less(t, weekly[near].Relogins.Min, weekly[near].Relogins.Max, "the weekly user's re-logins depend on the seed")

	parallel := rows["5 parallel requests, 1 h before the 7-day expiry"]
	assert.EqualValues(t, 6, parallel[onExpiry].ExtraTrips.Max, "single-flight on a 401: one refresh, five replays")
	assert.EqualValues(t, 1, parallel[ahead].ExtraTrips.Max, "single-flight ahead of exp: one refresh, no replay")
	assert.EqualValues(t, 6, parallel[near].Signed.Max, "step 05: the login, and five renewed tokens, all valid at once")
	for _, s := range doubles {
		assert.Zero(t, parallel[s].Seen401.Max, "%s: the 401s are absorbed by the client", s)
	}

	// The 30-day cap, and the double token's 30-day family: the thief is
	// served to the cap and no longer, whatever the victim does.
	toCap := func(r Row) bool {
		return r.StolenToEnd == 0 && r.StolenNever == 0 && r.Stolen.Max < 30*day-theftAt && r.Stolen.Min > 30*day-theftAt-thiefEvery-time.Hour
	}
	stolen := rows["stolen on day 2, victim daily"]
	assert.Equal(t, stolen[every].Runs, stolen[every].StolenToEnd, "step 03: a stolen token lives as long as the thief keeps using it")
	assert.True(t, toCap(stolen[near]), "step 05: the thief is cut at the 30-day cap: %s", stolen[near].stolen())
	assert.Equal(t, 1, stolen[near].Cap.Max, "step 05: the victim's re-login comes from the cap")
	assert.Zero(t, stolen[near].Revoked.Max, "step 05: nothing detects the theft")
	for _, s := range doubles {
		assert.Less(t, stolen[s].Stolen.Max, day, "%s: reuse detection cuts the thief within a day: %s", s, stolen[s].stolen())
		assert.Equal(t, 1, stolen[s].Revoked.Min, "%s: the detection logs the victim out too", s)
	}
	for _, trace := range []string{"stolen on day 2, victim stops", "stolen on day 2, victim idle 10 days (days 3–12)"} {
		assert.Equal(t, rows[trace][every].Runs, rows[trace][every].StolenToEnd, "%s: step 03: to the end", trace)
		for _, s := range append([]string{near}, doubles...) {
			assert.True(t, toCap(rows[trace][s]), "%s, %s: nothing detects the theft, the cap ends it: %s", trace, s, rows[trace][s].stolen())
			assert.Zero(t, rows[trace][s].Revoked.Max, "%s, %s: no reuse is detected", trace, s)
		}
	}
	weeklyVictim := rows["stolen on day 2, victim weekly"]
	for _, s := range doubles {
		assert.Equal(t, Span[int]{Min: 0, Max: 1, set: true}, weeklyVictim[s].Revoked, "%s: a weekly victim's refresh token may have expired when they come back: detection depends on the seed", s)
	}
	// Issue 21: the victim notices on day 3 and logs out everywhere. Only
	// what the server can end ends: step 05's store of ended sessions cuts
	// the thief at the logout; the double token drops the family, and the
	// stolen access token dies within its 30 minutes; the others go on.
	notices := rows["stolen on day 2, victim daily, notices on day 3 and logs out everywhere"]
	withLogout := Schemes[revocable]
	assert.Equal(t, notices[every].Runs, notices[every].StolenToEnd, "step 03: logging out changes nothing for the thief")
	assert.True(t, toCap(notices[near]), "step 05 without ended sessions: the thief goes on to the cap: %s", notices[near].stolen())
	for _, s := range append([]string{withLogout}, doubles...) {
		assert.Less(t, notices[s].Stolen.Max, 2*day, "%s: the logout everywhere cuts the thief off on day 3: %s", s, notices[s].stolen())
		assert.Zero(t, notices[s].StolenToEnd, "%s: not to the end", s)
	}
	assert.Empty(t, rows["daily user, 30 days"][withLogout].Scheme, "step 05 with ended sessions runs only where the user logs out")

	accessOnly := rows["access token only stolen on day 2, victim daily"]
	for _, s := range doubles {
		assert.Less(t, accessOnly[s].Stolen.Max, AccessTTL, "%s: a stolen access token dies within 30 minutes", s)
		assert.Zero(t, accessOnly[s].Revoked.Max, "%s: and nothing is revoked", s)
	}
}

// TestREADMETable fails when the table in step05-threshold/README.md (and
// in its Chinese sibling README.zh-CN.md, where there is one) is not what
// the simulation prints. Run with -update to rewrite it, in both.
func TestREADMETable(t *testing.T) {
	skipUnderRace(t)
	for lang, path := range readmePaths {
		raw, err := os.ReadFile(path)
		if lang != "en" && os.IsNotExist(err) {
			continue // not translated yet
		}
		require.NoError(t, err)
		want := Table(lang, tableRows())
		updated, got, ok := spliceTable(string(raw), want)
		require.True(t, ok, "%s must hold the markers %q and %q", path, tableBegin, tableEnd)
		if *update {
			require.NoError(t, os.WriteFile(path, []byte(updated), 0o644))
			continue
		}
		assert.Equal(t, want, got, "%s: its table differs from the simulation: run go test ./solutions/compare -update", path)
	}
}

// readmePaths are the pages that show the table, by language.
var readmePaths = map[string]string{
	"en": readmePath,
	"zh": strings.TrimSuffix(readmePath, ".md") + ".zh-CN.md",
}

// spliceTable puts table between the markers of readme: it returns the
// page with the table, the table it held, and whether it has the markers.
func spliceTable(readme, table string) (updated, old string, ok bool) {
	begin := strings.Index(readme, tableBegin)
	end := strings.Index(readme, tableEnd)
	if begin < 0 || end < begin {
		return readme, "", false
	}
	return readme[:begin+len(tableBegin)] + table + readme[end:], readme[begin+len(tableBegin) : end], true
}

// TestTableLanguages: each language's table has the header of as many
// columns, over the same rows (issue 23: -update writes the table into
// the README and its Chinese sibling).
func TestTableLanguages(t *testing.T) {
	rows := []Row{{Trace: "daily user, 30 days", Scheme: Schemes[0]}}
	en := strings.SplitN(Table("en", rows), "\n", 2)
	for lang := range readmePaths {
		require.Contains(t, TableHeaders, lang)
		got := strings.SplitN(Table(lang, rows), "\n", 2)
		assert.Equal(t, strings.Count(en[0], "|"), strings.Count(got[0], "|"), "%s: the header's columns", lang)
		assert.Equal(t, en[1], got[1], "%s: the rows are the same in every language", lang)
	}

	page := "# Step\n\n" + tableBegin + "old\n" + tableEnd + "\nafter\n"
	updated, old, ok := spliceTable(page, "new\n")
	require.True(t, ok)
	assert.Equal(t, "old\n", old)
	assert.Equal(t, "# Step\n\n"+tableBegin+"new\n"+tableEnd+"\nafter\n", updated)
	_, _, ok = spliceTable("# Step\n", "new\n")
	assert.False(t, ok)
}
