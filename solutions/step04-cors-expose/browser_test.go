package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// todoPage labels what the page's response interceptor gets wrong.
const todoPage = "TODO 2 (web/app.js): "

// noBrowserNote is what TestMain says when the browser tests will skip.
const noBrowserNote = "TODO 2 (web/app.js) is not checked: no Chromium/Chrome found; " +
	"install chromium (Debian/Ubuntu: sudo apt-get install chromium) or set CHROME_PATH, " +
	"then run go test -count=1 ./... (a cached ok never ran the browser tests)"

// TestMain says, without -v, when the browser tests will skip: else
// go test prints ok with the page's TODO unchecked.
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
	const todo = "TODO 1 (cors.go) and TODO 2 (web/app.js): "
	browser := requireBrowser(t, todo)

	// A clock one second later at each reading: the renewed token expires
	// later than the login token, so the page must keep it.
	var tick atomic.Int64
	start := time.Now().Truncate(time.Second)
	tokens := NewTokens(testSecret, func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) })
	pageURL := servePair(t, tokens)
	ctx := newBrowser(t, browser)
	openPage(t, ctx, pageURL)
	loginToken := logIn(t, ctx)

	// Call the guarded route with the page's button.
	bbb := click(t, ctx, "call-bbb", "/bbb")

	require.Equal(t, "200", bbb["status"],
		todoCORS+"the page's GET /bbb with Authorization must get through; \"error\" means the preflight was refused (AllowedHeaders)")
	require.Equal(t, "yes", bbb["tokenRead"],
		todo+"the page's JavaScript must read the renewed token: the API must expose the header (ExposedHeaders) and keepRenewedToken must read it")
	assert.Equal(t, "yes", bbb["stored"], todoPage+"keepRenewedToken must store the renewed token, which expires later")
	stored := storedToken(t, ctx)
	assert.NotEqual(t, loginToken, stored, todoPage+"localStorage holds the renewed token, not the login token")
	_, claims, err := parseClaims(stored, testSecret, start.Add(time.Duration(tick.Load())*time.Second))
	if assert.NoError(t, err, todoPage+"the stored token is a token the API signed") {
		assert.Equal(t, "guang", claims.Username)
	}
}

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
	browser := requireBrowser(t, todoPage)
	clock := newTestClock(time.Now().UTC().Truncate(time.Second))
	tokens := NewTokens(testSecret, clock.Now)
	api := newOutOfOrder()
	pageURL := servePair(t, tokens, api.wrap)
	t.Cleanup(api.deliver) // before the servers close: never leave an answer held
	ctx := newBrowser(t, browser)
	openPage(t, ctx, pageURL)
	logIn(t, ctx)

	clock.Advance(time.Minute)
	bbb := click(t, ctx, "call-bbb", "/bbb")
	require.Equal(t, "200", bbb["status"],
		todoCORS+"the page's GET /bbb with Authorization must get through; \"error\" means the preflight was refused (AllowedHeaders)")

	// The older token: signed now, its answer held back.
	clock.Advance(time.Minute)
	fetchFromPage(t, ctx, "/bbb?older")
	older := api.served(t, "older")
	require.NotEmpty(t, older, "step 03 (refresh.go): the API renews the token of GET /bbb?older")
	// The newer token, a minute later: answered at once.
	clock.Advance(time.Minute)
	fetchFromPage(t, ctx, "/bbb?newer")
	newer := api.served(t, "newer")
	require.NotEmpty(t, newer, "step 03 (refresh.go): the API renews the token of GET /bbb?newer")
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
		require.Equal(t, http.StatusOK, got.status, todoPage+"GET /bbb?%s got %d: the page must send the token it stored", query, got.status)
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
	serveOn(t, webLn, NewWebServer(apiBase))
	return pageURL
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
func newBrowser(t *testing.T, path string) context.Context {
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
			const data = { ...row.dataset };
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
