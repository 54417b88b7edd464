package main

import (
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// todoPage labels what the page's response interceptor gets wrong.
const todoPage = "step 04 (web/app.js): "

// noBrowserNote is what TestMain says when the browser tests will skip.
const noBrowserNote = "TODO 1 (policy.go) and TODO 2 (token.go) are not checked in a browser: no Chromium/Chrome found; " +
	"install chromium (Debian/Ubuntu: sudo apt-get install chromium) or set CHROME_PATH, " +
	"then run go test -count=1 ./... (a cached ok never ran the browser tests)"

// TestMain says, without -v, when the browser tests will skip: else
// go test prints ok with the page's renewal unchecked.
func TestMain(m *testing.M) {
	if findBrowser() == "" && os.Getenv("CI") == "" {
		sayNoBrowser(noBrowserNote)
	}
	os.Exit(m.Run())
}

// TestBrowserReadsRenewedToken runs the course page in a real, headless
// Chromium: log in through the page's form, call /bbb with its button, and
// check that the page's JavaScript could read the renewed token (the API
// exposes the header) and stored it.
func TestBrowserReadsRenewedToken(t *testing.T) {
	const todo = "TODO 1 (policy.go) and TODO 2 (token.go): "
	requireRenewal(t, shortPolicy, 4*time.Minute) // TODO 1, then TODO 2, before a browser starts
	browser := requireBrowser(t, todo)

	// Short tokens, and a clock the test moves: the call to /bbb comes when
	// the login token is due for renewal.
	clock := newTestClock(time.Now().UTC().Truncate(time.Second))
	tokens := NewTokensWith(testSecret, clock.Now, shortPolicy)
	pageURL := servePair(t, tokens)
	ctx := newBrowser(t, browser)
	openPage(t, ctx, pageURL)
	loginToken := logIn(t, ctx)

	// Six minutes later (four left, inside the window), call the guarded
	// route with the page's button.
	clock.Advance(6 * time.Minute)
	bbb := click(t, ctx, "call-bbb", "/bbb")

	requireAnswered(t, ctx, bbb, "6 minutes after login")
	require.Equal(t, "yes", bbb["tokenRead"], todo+"a token with 4 of its 10 minutes left is renewed, and the page reads it")
	assert.Equal(t, "yes", bbb["stored"], todo+"the page stores the renewed token, which expires later")
	stored := storedToken(t, ctx)
	assert.NotEqual(t, loginToken, stored, todo+"localStorage holds the renewed token, not the login token")
	_, claims, err := parseClaims(stored, testSecret, clock.Now())
	if assert.NoError(t, err, todo+"the stored token is a token the API signed") {
		assert.Equal(t, "guang", claims.Username)
		assert.Equal(t, clock.Now().Add(-6*time.Minute), claims.AuthTime.UTC(), todo+"the renewed token keeps the login's auth_time")
	}
}

// shortPolicy makes renewal quick to reach: 10-minute tokens, renewed in
// their last 5 minutes.
var shortPolicy = Policy{TTL: 10 * time.Minute, RenewBefore: 5 * time.Minute, MaxSession: time.Hour}

// TestBrowserAnswerWithoutToken calls the public /aaa, whose answer has no
// token header, then the guarded /bbb. An interceptor that stores whatever
// it reads stores the string "null", and the next /bbb is refused.
func TestBrowserAnswerWithoutToken(t *testing.T) {
	browser := requireBrowser(t, todoPage)
	tokens := NewTokens(testSecret, newTestClock(time.Now().UTC().Truncate(time.Second)).Now)
	pageURL := servePair(t, tokens)
	ctx := newBrowser(t, browser)
	openPage(t, ctx, pageURL)

	// Before login: no Authorization, no preflight, and nothing to store.
	aaa := click(t, ctx, "call-aaa", "/aaa")
	require.Equal(t, "200", aaa["status"], "GET /aaa without a token is a simple request")
	stored := storedToken(t, ctx)
	require.Empty(t, stored, todoPage+"before login, GET /aaa (no token header) must leave localStorage empty, not %.40q", stored)

	loginToken := logIn(t, ctx)
	aaa = click(t, ctx, "call-aaa", "/aaa")
	require.Equal(t, "200", aaa["status"],
		todoCORS+"the page's GET /aaa carries Authorization too: its preflight must succeed (\"error\": refused); CORS covers every route")
	assert.Equal(t, "no", aaa["stored"], todoPage+"the answer to GET /aaa has no token header: there is nothing to store")
	stored = storedToken(t, ctx)
	require.Equal(t, loginToken, stored, todoPage+"after GET /aaa (no token header) localStorage must still hold the login token, not %.40q", stored)

	bbb := click(t, ctx, "call-bbb", "/bbb")
	assert.Equal(t, "200", bbb["status"], todoPage+"GET /bbb after GET /aaa got %s: it must send the stored login token and pass the guard", bbb["status"])
}

// TestBrowserKeepsTheNewerToken answers two requests out of order: the
// token signed first arrives last, as happens with parallel requests. The
// page must keep the token that expires later, not the last one to arrive.
func TestBrowserKeepsTheNewerToken(t *testing.T) {
	requireRenewal(t, shortPolicy, 4*time.Minute) // TODO 1, then TODO 2, before a browser starts
	browser := requireBrowser(t, todoPage)
	clock := newTestClock(time.Now().UTC().Truncate(time.Second))
	tokens := NewTokensWith(testSecret, clock.Now, shortPolicy)
	api := newOutOfOrder()
	pageURL := servePair(t, tokens, api.wrap)
	t.Cleanup(api.deliver) // before the servers close: never leave an answer held
	ctx := newBrowser(t, browser)
	openPage(t, ctx, pageURL)
	login := unverifiedClaims(t, logIn(t, ctx))

	clock.Advance(6 * time.Minute)
	bbb := click(t, ctx, "call-bbb", "/bbb")
	requireAnswered(t, ctx, bbb, "6 minutes after login")
	require.Equal(t, "yes", bbb["stored"], "TODO 1 (policy.go) and TODO 2 (token.go): a token with 4 of its 10 minutes left is renewed, and the page stores it")
	requireRenewedToken(t, ctx, login.AuthTime.Time, clock.Now(), shortPolicy, "6 minutes after login")

	// The older token: signed now (the stored one is due again), its answer
	// held back.
	clock.Advance(6 * time.Minute)
	fetchFromPage(t, ctx, "/bbb?older")
	older := api.served(t, "older")
	require.NotEmpty(t, older, "TODO 1 (policy.go) and TODO 2 (token.go): a token with 4 of its 10 minutes left is renewed")
	// The newer token, a minute later: answered at once.
	clock.Advance(time.Minute)
	fetchFromPage(t, ctx, "/bbb?newer")
	newer := api.served(t, "newer")
	require.NotEmpty(t, newer, "TODO 1 (policy.go) and TODO 2 (token.go): a token with 3 of its 10 minutes left is renewed")
	row := waitForRow(t, ctx, "/bbb?newer")
	require.Equal(t, "200", row["status"], todoPage+"the page logs GET /bbb?newer")
	assert.Equal(t, "yes", row["stored"], todoPage+"the token of GET /bbb?newer expires later than the stored one: store it")

	// Now the older answer arrives, last.
	api.deliver()
	row = waitForRow(t, ctx, "/bbb?older")
	require.Equal(t, "200", row["status"], todoPage+"the page logs GET /bbb?older")
	stored := storedToken(t, ctx)
	assert.Equal(t, "no", row["stored"], todoPage+"the token of GET /bbb?older, answered last, expires before the stored one: it must not be stored")
	assert.True(t, stored == newer, todoPage+"localStorage holds the token with exp %d; want the one that expires last (exp %d), although the one with exp %d arrived after it",
		tokenExp(stored), tokenExp(newer), tokenExp(older))
}

// todoTimeline labels what step 05's page (given) gets wrong.
const todoTimeline = "step 05 (web/app.js): "

// TestBrowserTimeline runs step 05's page with short tokens and a clock
// the test moves, the API's and the page's together. The timeline is
// drawn; an answer without a token because the token was not due says so,
// instead of blaming CORS; a renewal inside the window appears on the
// timeline; and a 401 once the token expired says the session is over,
// and why.
func TestBrowserTimeline(t *testing.T) {
	const todo = "TODO 1 (policy.go) and TODO 2 (token.go): "
	requireRenewal(t, shortPolicy, 4*time.Minute) // TODO 1, then TODO 2, before a browser starts
	browser := requireBrowser(t, todoTimeline)
	clock := newTestClock(time.Now().UTC().Truncate(time.Second))
	tokens := NewTokensWith(testSecret, clock.Now, shortPolicy)
	pageURL := servePair(t, tokens)
	ctx := newBrowser(t, browser)
	openPage(t, ctx, pageURL)
	setPageClock(t, ctx, clock)
	login := unverifiedClaims(t, logIn(t, ctx))

	marks := timelineMarks(t, ctx)
	authTime, exp := login.AuthTime.Unix(), login.ExpiresAt.Unix()
	for mark, want := range map[string]int64{
		"login":        authTime,
		"iat":          login.IssuedAt.Unix(),
		"window-opens": exp - int64(shortPolicy.RenewBefore/time.Second),
		"exp":          exp,
		"cap":          authTime + int64(shortPolicy.MaxSession/time.Second),
	} {
		assert.Equal(t, []int64{want}, marks[mark], todoTimeline+"after login the timeline marks %s at %d; its marks: %v", mark, want, marks)
	}
	require.Len(t, marks["now"], 1, todoTimeline+"the timeline marks now; its marks: %v", marks)
	assert.Empty(t, marks["renewal"], todoTimeline+"no renewal yet")

	// A minute later, 9 of 10 minutes left: not due, no token header.
	advance(t, ctx, clock, time.Minute)
	bbb := click(t, ctx, "call-bbb", "/bbb")
	requireAnswered(t, ctx, bbb, "a minute after login")
	require.Equal(t, "no", bbb["tokenRead"], todo+"a token with 9 of its 10 minutes left is not due: no renewal")
	assert.Equal(t, "not-due", bbb["why"], todoTimeline+"GET /bbb answered 200 without a token, because the token was not due: the row says %q", bbb["text"])
	assert.Contains(t, bbb["text"], "not due: it is renewed once at most 5m is left", todoTimeline+"the row says when the token will be renewed")
	assert.NotContains(t, bbb["class"], "problem", todoTimeline+"a token that was not due is not a CORS problem: %q", bbb["text"])

	// Five more minutes, 4 left: inside the window, renewed.
	advance(t, ctx, clock, 5*time.Minute)
	bbb = click(t, ctx, "call-bbb", "/bbb")
	requireAnswered(t, ctx, bbb, "6 minutes after login")
	require.Equal(t, "yes", bbb["stored"], todo+"a token with 4 of its 10 minutes left is renewed, and the page stores it")
	requireRenewedToken(t, ctx, login.AuthTime.Time, clock.Now(), shortPolicy, "6 minutes after login")
	renewed := unverifiedClaims(t, storedToken(t, ctx))
	marks = timelineMarks(t, ctx)
	assert.Equal(t, []int64{renewed.IssuedAt.Unix()}, marks["renewal"], todoTimeline+"the renewal (iat %d) appears on the timeline; its marks: %v", renewed.IssuedAt.Unix(), marks)
	assert.GreaterOrEqual(t, renewed.IssuedAt.Unix(), marks["window-opens"][0]-int64(shortPolicy.TTL/time.Second-shortPolicy.RenewBefore/time.Second),
		todoDueNew+"the renewal came inside the login token's window")
	assert.Equal(t, []int64{renewed.ExpiresAt.Unix()}, marks["exp"], todoTimeline+"the timeline shows the stored token: the renewed one")
	assert.Equal(t, []int64{authTime}, marks["login"], todoTimeline+"the login stays where it was")

	// The renewed token expires 10 minutes after its renewal: 11 minutes
	// on, the API refuses it, and the page says the session is over.
	advance(t, ctx, clock, 11*time.Minute)
	bbb = click(t, ctx, "call-bbb", "/bbb")
	require.Equal(t, "401", bbb["status"], "step 02 (guard.go): an expired token is refused")
	session := sessionNote(t, ctx)
	assert.Equal(t, "expired", session["state"], todoTimeline+"after a 401 for an expired token the page says so: %q", session["text"])
	assert.Contains(t, session["text"], "Session over", todoTimeline+"after a 401 the page says the session is over")
}

// TestBrowserSessionCap follows a session to its cap: renewed until the
// next renewal would pass auth_time + MaxSession, then an answer at the
// cap (not blamed on CORS), then a 401 that names the cap.
func TestBrowserSessionCap(t *testing.T) {
	requireRenewal(t, capPolicy, 4*time.Second) // TODO 1, then TODO 2, before a browser starts
	browser := requireBrowser(t, todoTimeline)
	clock := newTestClock(time.Now().UTC().Truncate(time.Second))
	tokens := NewTokensWith(testSecret, clock.Now, capPolicy)
	pageURL := servePair(t, tokens)
	ctx := newBrowser(t, browser)
	openPage(t, ctx, pageURL)
	setPageClock(t, ctx, clock)
	login := unverifiedClaims(t, logIn(t, ctx))

	// -ttl 8s -renew-before 4s -max-session 14s, as the README runs it:
	// renewed at 5 s (exp 13 s), at 10 s (capped: exp 14 s), then no more.
	for _, step := range []struct {
		at   time.Duration // since login
		why  string
		rows string
	}{
		{5 * time.Second, "renewed", "renewed at 5 s, 3 s left"},
		{10 * time.Second, "renewed", "renewed at 10 s, to the cap (14 s)"},
		{12 * time.Second, "cap", "2 s left, due, but at the cap: no renewal"},
	} {
		advance(t, ctx, clock, step.at-clock.Now().Sub(timeOfLogin(t, ctx)))
		bbb := click(t, ctx, "call-bbb", "/bbb")
		requireAnswered(t, ctx, bbb, step.rows)
		// What the API did, before what the page says of it.
		if step.why == "renewed" {
			require.Equal(t, "yes", bbb["tokenRead"], todoDueNew+"%s: the answer carries no token", step.rows)
			requireRenewedToken(t, ctx, login.AuthTime.Time, clock.Now(), capPolicy, step.rows)
		} else {
			require.Equal(t, "no", bbb["tokenRead"], todoRenew+"%s: the answer carries a token; a token that already expires at the cap is not renewed (a new one would not live longer)", step.rows)
		}
		assert.Equal(t, step.why, bbb["why"], todoTimeline+"%s: the row says %q", step.rows, bbb["text"])
		assert.NotContains(t, bbb["class"], "problem", todoTimeline+"%s: not a CORS problem", step.rows)
	}
	assert.Len(t, timelineMarks(t, ctx)["renewal"], 2, todoTimeline+"two renewals on the timeline")

	advance(t, ctx, clock, 3*time.Second) // 15 s after login
	bbb := click(t, ctx, "call-bbb", "/bbb")
	require.Equal(t, "401", bbb["status"], "step 02 (guard.go): an expired token is refused")
	session := sessionNote(t, ctx)
	assert.Equal(t, "cap", session["state"], todoTimeline+"after a 401 at the cap the page names the cap: %q", session["text"])
}

// TestBrowserHiddenHeader is the other side of a not-due answer: the API
// renews a due token but does not expose the header (as in step 04 before
// its TODO 1). Then, and only then, the page blames CORS.
func TestBrowserHiddenHeader(t *testing.T) {
	requireRenewal(t, shortPolicy, 4*time.Minute) // TODO 1, then TODO 2, before a browser starts
	browser := requireBrowser(t, todoTimeline)
	clock := newTestClock(time.Now().UTC().Truncate(time.Second))
	pageURL := servePair(t, NewTokensWith(testSecret, clock.Now, shortPolicy), exposeNothing)
	ctx := newBrowser(t, browser)
	openPage(t, ctx, pageURL)
	setPageClock(t, ctx, clock)
	logIn(t, ctx)

	advance(t, ctx, clock, 6*time.Minute) // 4 of 10 minutes left: due
	bbb := click(t, ctx, "call-bbb", "/bbb")
	requireAnswered(t, ctx, bbb, "6 minutes after login")
	require.Equal(t, "no", bbb["tokenRead"], "the API exposes no header: the page cannot read the token")
	assert.Equal(t, "hidden", bbb["why"], todoTimeline+"a due token renewed behind a hidden header: the row says %q", bbb["text"])
	assert.Contains(t, bbb["class"], "problem", todoTimeline+"a hidden header is a CORS problem: show it as one")
	assert.Contains(t, bbb["text"], "Access-Control-Expose-Headers", todoTimeline+"the row names the header to fix")
}

// requireAnswered requires the page's GET to have got through CORS and
// the API's guard, and says whose fault it is when not: "error" is a
// refused preflight (step 04's CORS); a 401 for a token the API renewed is
// a renewal the API's own checks refuse (its exp past the cap, say), not a
// fault of the page, which sends what it stored.
func requireAnswered(t *testing.T, ctx context.Context, row map[string]string, when string) {
	t.Helper()
	require.NotEqual(t, "error", row["status"], todoCORS+"%s: the page's GET %s with Authorization gets through (\"error\": the preflight was refused)", when, row["path"])
	if row["status"] == "401" {
		claims := &Claims{}
		sent := storedToken(t, ctx) // a 401 stores nothing: the token sent
		if _, _, err := jwt.NewParser().ParseUnverified(sent, claims); err == nil && claims.AuthTime != nil && claims.IssuedAt != nil &&
			claims.IssuedAt.After(claims.AuthTime.Time) {
			require.Fail(t, fmt.Sprintf(todoRenew+"%s: the API refused (401) the token it had renewed: auth_time %d, iat %d, exp %s; a renewal must pass the API's own checks (exp never past auth_time + MaxSession)",
				when, claims.AuthTime.Unix(), claims.IssuedAt.Unix(), unixOf(claims.ExpiresAt)))
		}
	}
	require.Equal(t, "200", row["status"], todoGuard+"%s: the page's GET %s with the login token", when, row["path"])
}

// requireRenewedToken requires the page's stored token to be a renewal, at
// now, of a token of the login at authTime: auth_time kept, exp now + TTL
// but never past auth_time + MaxSession.
func requireRenewedToken(t *testing.T, ctx context.Context, authTime, now time.Time, policy Policy, when string) {
	t.Helper()
	token := storedToken(t, ctx)
	claims := &Claims{}
	_, _, err := jwt.NewParser().ParseUnverified(token, claims)
	require.NoError(t, err, todoRenew+"%s: the renewed token decodes: %.40q", when, token)
	require.True(t, claims.AuthTime != nil && claims.AuthTime.Equal(authTime),
		todoRenew+"%s: the renewed token's auth_time is %s; want the login's, %d (else the cap never comes)", when, unixOf(claims.AuthTime), authTime.Unix())
	want := min(now.Add(policy.TTL).Unix(), authTime.Add(policy.MaxSession).Unix())
	require.True(t, claims.ExpiresAt != nil && claims.ExpiresAt.Unix() == want,
		todoRenew+"%s: the renewed token's exp is %s; want %d: now + TTL (%d), never past auth_time + MaxSession (%d)",
		when, unixOf(claims.ExpiresAt), want, now.Add(policy.TTL).Unix(), authTime.Add(policy.MaxSession).Unix())
}

// unixOf shows a claim's time as unix seconds, as the token carries it.
func unixOf(d *jwt.NumericDate) string {
	if d == nil {
		return "missing"
	}
	return strconv.FormatInt(d.Unix(), 10)
}

// exposeNothing drops Access-Control-Expose-Headers from the API's answers.
func exposeNothing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(noExpose{w}, r)
	})
}

type noExpose struct{ http.ResponseWriter }

func (w noExpose) WriteHeader(code int) {
	w.Header().Del("Access-Control-Expose-Headers")
	w.ResponseWriter.WriteHeader(code)
}

func (w noExpose) Write(b []byte) (int, error) {
	w.Header().Del("Access-Control-Expose-Headers") // if WriteHeader was never called
	return w.ResponseWriter.Write(b)
}

// capPolicy is the README's short policy: -ttl 8s -renew-before 4s
// -max-session 14s.
var capPolicy = Policy{TTL: 8 * time.Second, RenewBefore: 4 * time.Second, MaxSession: 14 * time.Second}

// timeOfLogin returns the auth_time of the page's stored token.
func timeOfLogin(t *testing.T, ctx context.Context) time.Time {
	t.Helper()
	return unverifiedClaims(t, storedToken(t, ctx)).AuthTime.Time
}

// setPageClock sets the page's clock (Date.now, which the page reads for
// every "now") to the test's clock, running on from here: the page and the
// API then agree on the time.
func setPageClock(t *testing.T, ctx context.Context, clock *testClock) {
	t.Helper()
	offset := clock.Now().Sub(time.Now()).Milliseconds()
	require.NoError(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		if (!window.realNow) {
			window.realNow = Date.now.bind(Date);
			Date.now = () => window.realNow() + window.clockOffset;
		}
		window.clockOffset = %d;
	})()`, offset))))
}

// advance moves the API's clock and the page's by d.
func advance(t *testing.T, ctx context.Context, clock *testClock, d time.Duration) {
	t.Helper()
	clock.Advance(d)
	setPageClock(t, ctx, clock)
}

// timelineMarks returns the unix times of the timeline's marks, by name
// (login, iat, window-opens, exp, cap, renewal, now).
func timelineMarks(t *testing.T, ctx context.Context) map[string][]int64 {
	t.Helper()
	marks, err := chromedp.Run(ctx, chromedp.Evaluate[map[string][]int64](`(() => {
		showToken(); // draw now, not at the next tick
		const marks = {};
		for (const el of document.querySelectorAll('#timeline [data-mark][data-at]')) {
			(marks[el.dataset.mark] ||= []).push(Number(el.dataset.at));
		}
		return marks;
	})()`))
	require.NoError(t, err, todoTimeline+"the page draws a timeline")
	return marks
}

// sessionNote returns the state and text of the page's note after a 401.
func sessionNote(t *testing.T, ctx context.Context) map[string]string {
	t.Helper()
	note, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`(() => {
		const note = document.getElementById('session');
		return { state: note.hidden ? '' : note.dataset.state || '', text: note.textContent };
	})()`))
	require.NoError(t, err)
	return note
}

// unverifiedClaims decodes a token's claims without verifying it.
func unverifiedClaims(t *testing.T, token string) *Claims {
	t.Helper()
	claims := &Claims{}
	_, _, err := jwt.NewParser().ParseUnverified(token, claims)
	require.NoError(t, err, "a token: %.40q", token)
	require.True(t, claims.AuthTime != nil && claims.IssuedAt != nil && claims.ExpiresAt != nil, "a token with auth_time, iat and exp: %.40q", token)
	return claims
}

// updateScreenshots makes TestScreenshots write the page's screenshots.
var updateScreenshots = flag.Bool("update-screenshots", false, "TestScreenshots: write page-*.png into step05-threshold/")

// TestScreenshots writes the screenshots of step 05's README, with
// -update-screenshots (from the repository root):
//
//	go test -count=1 -run TestScreenshots ./solutions/step05-threshold -update-screenshots
//
// page-defaults.png: the default policy (7 days, renewed in the second
// half, 30-day cap), a day and four days after login. page-short.png:
// -ttl 8s -renew-before 4s -max-session 14s, 12 s after login, renewed
// twice and at the cap. page-over.png: the same at 15 s, the session over.
// The clock is the test's, from 2026-11-27 09:00 UTC. The page shows the
// default origins (the page on localhost:4800, the API on localhost:3000)
// without taking those ports: see serveAsDefaults.
func TestScreenshots(t *testing.T) {
	if !*updateScreenshots {
		t.Skip("writes the README's screenshots only with -update-screenshots")
	}
	requireRenewal(t, capPolicy, 4*time.Second)
	browser := requireBrowser(t, todoTimeline)
	dir := "." // the starter: its own folder
	if _, err := os.Stat("go.mod"); err != nil {
		dir = filepath.Join("..", "..", "step05-threshold") // the solved copy: the step's folder
	}
	start := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	shoot := func(policy Policy, script func(ctx context.Context, clock *testClock, shot func(name string))) {
		clock := newTestClock(start)
		pageURL, proxy := serveAsDefaults(t, NewTokensWith(testSecret, clock.Now, policy))
		ctx := newBrowser(t, browser, chromedp.WindowSize(1024, 900), chromedp.Env("TZ=UTC"), chromedp.Flag("lang", "en-US"),
			chromedp.ProxyServer(proxy), chromedp.Flag("proxy-bypass-list", "<-loopback>"))
		openPage(t, ctx, pageURL)
		setPageClock(t, ctx, clock)
		logIn(t, ctx)
		script(ctx, clock, func(name string) {
			require.NoError(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`showToken()`)))
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
			require.NoError(t, err)
			path := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(path, png, 0o644))
			t.Logf("wrote %s (%d bytes)", path, len(png))
		})
	}
	call := func(ctx context.Context, clock *testClock, d time.Duration) {
		advance(t, ctx, clock, d)
		click(t, ctx, "call-bbb", "/bbb")
	}
	const day = 24 * time.Hour
	shoot(DefaultPolicy(), func(ctx context.Context, clock *testClock, shot func(string)) {
		call(ctx, clock, day)   // 6 days left: not due
		call(ctx, clock, 3*day) // 3 days left: renewed
		call(ctx, clock, 3*time.Hour)
		shot("page-defaults.png")
	})
	shoot(capPolicy, func(ctx context.Context, clock *testClock, shot func(string)) {
		call(ctx, clock, 2*time.Second) // 6 s left: not due
		call(ctx, clock, 3*time.Second) // 3 s left: renewed, exp at 13 s
		call(ctx, clock, 2*time.Second) // 6 s left: not due
		call(ctx, clock, 3*time.Second) // 3 s left: renewed, to the cap at 14 s
		call(ctx, clock, 2*time.Second) // 2 s left, at the cap: not renewed
		shot("page-short.png")
		call(ctx, clock, 3*time.Second) // 15 s: past the cap, 401
		shot("page-over.png")
	})
}

// outOfOrder wraps the API so that the test decides when an answer
// arrives. A GET with a query is served at once (its token is signed
// then) and reported on served; the answer to ?older is sent only after
// deliver.
type outOfOrder struct {
	answers  chan answer
	held     chan struct{}
	heldOnce sync.Once
}

// answer is what the API answered to GET /bbb?query.
type answer struct {
	query  string
	status int
	token  string // the token header
}

func newOutOfOrder() *outOfOrder {
	return &outOfOrder{answers: make(chan answer, 8), held: make(chan struct{})}
}

func (o *outOfOrder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.RawQuery == "" {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		o.answers <- answer{r.URL.RawQuery, rec.Code, rec.Header().Get(tokenHeader)}
		if r.URL.RawQuery == "older" {
			select {
			case <-o.held:
			case <-r.Context().Done():
			}
		}
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
}

// served waits until the API has served GET /bbb?query, and returns the
// token its answer carries.
func (o *outOfOrder) served(t *testing.T, query string) string {
	t.Helper()
	select {
	case got := <-o.answers:
		require.Equal(t, query, got.query, "the API serves the page's requests in the order the page sends them")
		require.Equal(t, http.StatusOK, got.status, todoRenew+"GET /bbb?%s got %d: the API refused the token it had renewed, which the page sent", query, got.status)
		return got.token
	case <-time.After(10 * time.Second):
		require.FailNow(t, todoPage+"GET /bbb?"+query+" never reached the API")
		return ""
	}
}

// deliver sends the held answer.
func (o *outOfOrder) deliver() { o.heldOnce.Do(func() { close(o.held) }) }

// requireBrowser returns the path of a browser, or skips the test (fails
// it when CI is set: CI must run it).
func requireBrowser(t *testing.T, label string) string {
	t.Helper()
	browser := findBrowser()
	if browser == "" {
		msg := label + "this test runs the page in a real browser, and none was found: " +
			"install Chromium (Debian/Ubuntu: sudo apt-get install chromium) or set CHROME_PATH"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set: the browser test must run)")
		}
		t.Skip(msg)
	}
	return browser
}

// sayNoBrowser prints note where the learner sees it: go test ./... shows
// nothing of a package that passes but its ok line, so the note goes to
// the terminal itself when there is one, else to stderr.
func sayNoBrowser(note string) {
	out := io.Writer(os.Stderr)
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		out = tty
	}
	fmt.Fprintln(out, note)
}

// openPage opens the course page and waits until it is ready.
func openPage(t *testing.T, ctx context.Context, pageURL string) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(pageURL),
		chromedp.Poll[chromedp.Void](`document.body.dataset.ready === 'yes'`, chromedp.WithPollingTimeout(10*time.Second)),
	), "the page loads")
}

// logIn logs in through the page's own form (the demo credentials are
// filled in), and returns the token the page stored.
func logIn(t *testing.T, ctx context.Context) string {
	t.Helper()
	login := click(t, ctx, "login-button", "/user/login")
	require.Equal(t, "201", login["status"], "the page logs in (a JSON POST: the browser sends a preflight first)")
	token := storedToken(t, ctx)
	require.NotEmpty(t, token, "the page stores the login token")
	return token
}

// click clicks the page's button with the given id and returns the log
// row of the answer to path.
func click(t *testing.T, ctx context.Context, id, path string) map[string]string {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID(id))))
	return waitForRow(t, ctx, path)
}

// fetchFromPage calls path with the page's own fetch wrapper (both
// interceptors), without waiting for the answer.
func fetchFromPage(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`void api('`+path+`').catch(() => {})`)))
}

// storedToken returns what the page holds in localStorage ("" for none).
func storedToken(t *testing.T, ctx context.Context) string {
	t.Helper()
	token, err := chromedp.Run(ctx, chromedp.Evaluate[string](`localStorage.getItem('token') || ''`))
	require.NoError(t, err)
	return token
}

// tokenExp returns a token's exp, unverified (0 if it has none).
func tokenExp(token string) int64 {
	claims := &Claims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, claims); err != nil || claims.ExpiresAt == nil {
		return 0
	}
	return claims.ExpiresAt.Unix()
}

// findBrowser returns the path of a Chromium or Chrome: $CHROME_PATH, or
// the first one on $PATH.
func findBrowser() string {
	if path := os.Getenv("CHROME_PATH"); path != "" {
		return path
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	return ""
}

// servePair serves the API and the course page on two loopback ports: two
// origins, as in the chapter (the API, and the page of the Vite dev
// server). The page is opened as http://localhost:PORT, the API is
// http://127.0.0.1:PORT: different hosts and ports.
func servePair(t *testing.T, tokens *Tokens, wrap ...func(http.Handler) http.Handler) (pageURL string) {
	t.Helper()
	apiLn, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	webLn, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	apiBase := "http://" + apiLn.Addr().String()
	pageURL = "http://localhost:" + strconv.Itoa(webLn.Addr().(*net.TCPAddr).Port)

	api := NewServer(testUsers(t), tokens, pageURL)
	for _, w := range wrap {
		api = w(api)
	}
	serveOn(t, apiLn, api)
	serveOn(t, webLn, NewWebServer(apiBase, tokens.policy))
	return pageURL
}

// serveAsDefaults serves the API and the page as the defaults of
// go run . do, as http://localhost:3000 and http://localhost:4800 (the
// page's origin allowed), without listening on those ports, which a
// running course server may hold: the browser is to send every request
// through the returned proxy (chromedp.ProxyServer, and the flag
// proxy-bypass-list=<-loopback>, else Chromium never proxies localhost),
// and the proxy serves each request by its host.
func serveAsDefaults(t *testing.T, tokens *Tokens) (pageURL, proxy string) {
	t.Helper()
	const apiBase, page = "http://localhost:3000", "http://localhost:4800"
	hosts := map[string]http.Handler{
		"localhost:3000": NewServer(testUsers(t), tokens, page),
		"localhost:4800": NewWebServer(apiBase, tokens.policy),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	serveOn(t, ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, ok := hosts[r.Host]
		if !ok {
			http.Error(w, "this proxy serves only localhost:3000 and localhost:4800", http.StatusBadGateway)
			return
		}
		h.ServeHTTP(w, r)
	}))
	return page, "http://" + ln.Addr().String()
}

func serveOn(t *testing.T, ln net.Listener, h http.Handler) {
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
}

// newBrowser starts a headless Chromium for the test and returns its
// context; it stops when the test ends.
func newBrowser(t *testing.T, path string, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	dir, err := os.MkdirTemp("", "course-browser-")
	require.NoError(t, err)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], // headless, no background networking, no sync
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // the sandbox cannot start as root, as in CI containers
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(dir),
	)
	opts = append(opts, extra...)
	// A whole-test limit: if the browser hangs, the test fails in time.
	limit, stopLimit := context.WithTimeout(context.Background(), 60*time.Second)
	allocCtx, stopAlloc := chromedp.NewExecAllocator(limit, opts...)
	ctx, stopBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		stopBrowser()
		stopAlloc()
		stopLimit()
		os.RemoveAll(dir) // best effort: Chromium's helpers may still be writing
	})
	return ctx
}

// waitForRow waits for the page's log to show a new response to path (a
// row the test has not read yet), and returns the row's data-* attributes.
func waitForRow(t *testing.T, ctx context.Context, path string) map[string]string {
	t.Helper()
	row, err := chromedp.Run(ctx, chromedp.Poll[map[string]string](
		`(() => {
			const row = document.querySelector('#log tr[data-path="`+path+`"]:not([data-read-by-test])');
			if (!row) return null;
			const data = { ...row.dataset, text: row.cells[3].textContent, class: row.className };
			row.dataset.readByTest = 'yes';
			return data;
		})()`,
		chromedp.WithPollingTimeout(10*time.Second)))
	require.NoError(t, err, "the page logs the answer to %s", path)
	return row
}

// TestBrowserKeepsByExp gives the page's response interceptor answers
// whose token header the test wrote: the rule is the tokens' exp, not
// their text (two tokens of the API sort by their text as by their exp
// only by chance: their claims come in one order), and a value whose exp
// cannot be read is not a token (issue 18).
func TestBrowserKeepsByExp(t *testing.T) {
	browser := requireBrowser(t, todoPage)
	pageURL := servePair(t, NewTokens(testSecret, newTestClock(time.Now().UTC().Truncate(time.Second)).Now))
	ctx := newBrowser(t, browser)
	openPage(t, ctx, pageURL)
	icon, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(async () => {
		const link = document.querySelector('link[rel~="icon"]');
		return link ? (await fetch(link.href)).status : 0;
	})()`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	assert.Equal(t, 200, icon, "the page declares its icon (<link rel=\"icon\">) and its server serves it: else the browser asks for /favicon.ico, a 404")

	exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Unix() // fixed, so that failure messages read the same on every run
	// The same claims in two orders: {"exp":… first sorts after {"username":… first.
	expFirst := func(exp int64) string { return unsignedToken(fmt.Sprintf(`{"exp":%d,"username":"guang"}`, exp)) }
	userFirst := func(exp int64) string { return unsignedToken(fmt.Sprintf(`{"username":"guang","exp":%d}`, exp)) }
	require.Less(t, userFirst(exp+60), expFirst(exp), "the test's tokens sort by text against their exp")
	for _, tc := range []struct {
		name     string
		stored   string // "" for none
		arriving string
		want     string // what localStorage holds after
	}{
		{"a later exp whose text sorts first", expFirst(exp), userFirst(exp + 60), userFirst(exp + 60)},
		{"an earlier exp whose text sorts last", userFirst(exp + 60), expFirst(exp), userFirst(exp + 60)},
		{"not a token, nothing stored", "", "not-a-token", ""},
		{"a token without exp, nothing stored", "", unsignedToken(`{"username":"guang"}`), ""},
		{"a token whose exp is a string, nothing stored", "", unsignedToken(fmt.Sprintf(`{"username":"guang","exp":"%d"}`, exp)), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](fmt.Sprintf(`(() => {
				localStorage.clear();
				if (%[1]q) localStorage.setItem('token', %[1]q);
				const kept = keepRenewedToken(new Response(null, { headers: { token: %[2]q } }));
				return { stored: kept && kept.stored, holds: localStorage.getItem('token') || '' };
			})()`, tc.stored, tc.arriving)))
			require.NoError(t, err, todoPage+"keepRenewedToken(res) runs")
			if assert.True(t, got["holds"] == tc.want,
				todoPage+"stored: %s; an answer brought %s; localStorage then holds %s; want %s (the later exp; a value without a numeric exp is no token)",
				describeToken(tc.stored), describeToken(tc.arriving), describeToken(fmt.Sprint(got["holds"])), describeToken(tc.want)) {
				assert.Equal(t, tc.want == tc.arriving, got["stored"], todoPage+"keepRenewedToken returns stored: whether it stored the token: %s", describeToken(tc.arriving))
			}
		})
	}
}

// describeToken shows a token by its claims (the header is the same for
// every token of the test).
func describeToken(token string) string {
	if token == "" {
		return "nothing"
	}
	parts := strings.Split(token, ".")
	if claims, err := base64.RawURLEncoding.DecodeString(parts[min(1, len(parts)-1)]); err == nil && len(parts) == 3 {
		return "a token with the claims " + string(claims)
	}
	return fmt.Sprintf("%.40q", token)
}

// unsignedToken is a token with the given claims and a made-up
// signature: the page decodes tokens, only the API verifies them.
func unsignedToken(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc([]byte(claims)) + ".c2ln"
}
