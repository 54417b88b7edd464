package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowserPageSaysWhatIsTrue follows two sessions in one browser, at
// 1280 and 500 px wide, and measures in the page what it shows (issue 18):
// a token that expired before the cap is not drawn as live, nor is a
// session's time left counted beside "Session over"; at the cap the grey
// bar does not hide the blue one; no label covers its tick or another
// label, and each is at least 11 px; the claims column does not move as
// the countdowns tick, and its values do not wrap letter by letter; a 401
// after "Forget the token" says no token was sent; the page asks for
// nothing its server does not have (the favicon).
func TestBrowserPageSaysWhatIsTrue(t *testing.T) {
	requireRenewal(t, capPolicy, 4*time.Second) // TODO 1, then TODO 2, before a browser starts
	browser := requireBrowser(t, todoTimeline)
	clock := newTestClock(time.Now().UTC().Truncate(time.Second))
	pageURL := servePair(t, NewTokensWith(testSecret, clock.Now, capPolicy))
	ctx := newBrowser(t, browser)
	missing := watchMissing(t, ctx, pageURL)
	openPage(t, ctx, pageURL)
	setPageClock(t, ctx, clock)

	var column *pageLayout // where the claims column was first seen, at 1280 px
	check := func(state string) {
		t.Helper()
		for _, width := range []int64{1280, 500} {
			layout := measurePage(t, ctx, width)
			assert.Empty(t, layout.Problems, todoTimeline+"%s, at %d px: what the page shows", state, width)
			if width == 1280 && layout.ClaimsWidth > 0 {
				if column == nil {
					column = &layout
				}
				assert.Equal(t, [2]float64{column.ClaimsLeft, column.ClaimsWidth}, [2]float64{layout.ClaimsLeft, layout.ClaimsWidth},
					todoTimeline+"%s, at 1280 px: the claims column (left, width) moved as the countdowns changed", state)
			}
		}
		require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)))
	}

	// The README's short session: -ttl 8s -renew-before 4s -max-session 14s.
	login := unverifiedClaims(t, logIn(t, ctx))
	check("after login")
	advance(t, ctx, clock, 2*time.Second)
	bbb := click(t, ctx, "call-bbb", "/bbb")
	requireAnswered(t, ctx, bbb, "2 s after login")
	require.Equal(t, "no", bbb["tokenRead"], todoDueNew+"2 s after login (6 of 8 s left) the token is not due: the answer carries a token")
	require.Equal(t, "not-due", bbb["why"], todoTimeline+"2 s after login (6 s left) the row says the token was not due: %q", bbb["text"])
	assert.Contains(t, bbb["text"], "not due: it is renewed once at most 4s is left (6s left now)",
		todoTimeline+"the row says, as a sentence, when the token will be renewed")
	check("not due")
	advance(t, ctx, clock, 3*time.Second)
	bbb = click(t, ctx, "call-bbb", "/bbb") // 3 s left: renewed, exp 13 s
	requireAnswered(t, ctx, bbb, "5 s after login")
	require.Equal(t, "yes", bbb["tokenRead"], todoDueNew+"5 s after login (3 of 8 s left) the token is due: the answer carries no token")
	requireRenewedToken(t, ctx, login.AuthTime.Time, clock.Now(), capPolicy, "5 s after login")
	check("renewed, its window not open")
	advance(t, ctx, clock, 5*time.Second)
	bbb = click(t, ctx, "call-bbb", "/bbb") // 3 s left: renewed to the cap (exp 14 s)
	requireAnswered(t, ctx, bbb, "10 s after login")
	require.Equal(t, "yes", bbb["tokenRead"], todoDueNew+"10 s after login (3 of 8 s left) the token is due: the answer carries no token")
	requireRenewedToken(t, ctx, login.AuthTime.Time, clock.Now(), capPolicy, "10 s after login")
	require.Equal(t, "renewed", bbb["why"], todoRenew+"10 s after login (3 s left) the token is renewed, to the cap: the row says %q", bbb["text"])
	assert.Equal(t, "closed: at the session cap", output(t, ctx, "window"), todoTimeline+"a token that ends at the cap has no renewal window")
	check("renewed to the cap")
	advance(t, ctx, clock, 2*time.Second)
	check("at the cap, 2 s left")
	advance(t, ctx, clock, 3*time.Second)
	bbb = click(t, ctx, "call-bbb", "/bbb")
	require.Equal(t, "401", bbb["status"], "step 02 (guard.go): 15 s after login, past the cap, the token is refused")
	assert.Equal(t, "ended", output(t, ctx, "session-left"), todoTimeline+"past the cap the session has ended")
	check("past the cap")

	// A second session: no request in the token's window, so it expires
	// 8 s after login, 6 s before its cap.
	logIn(t, ctx)
	advance(t, ctx, clock, 9*time.Second)
	expired := func(state string) {
		t.Helper()
		assert.Equal(t, "expired", output(t, ctx, "countdown"), todoTimeline+"%s: the token expired 1 s ago", state)
		assert.Equal(t, "ended: the token expired", output(t, ctx, "session-left"),
			todoTimeline+"%s: the token expired before the cap: it cannot be renewed, so the session has ended, not 5 s to go", state)
		assert.Equal(t, "closed: the token expired", output(t, ctx, "window"), todoTimeline+"%s: an expired token has no renewal window", state)
		marks := timelineMarks(t, ctx)
		assert.Empty(t, marks["window"], todoTimeline+"%s: an expired token is not drawn with a renewal window (\"the next request renews it\")", state)
		assert.Equal(t, "expired", attribute(t, ctx, `#timeline [data-mark="life"]`, "data-state"), todoTimeline+"%s: the token's bar is drawn as expired", state)
		check(state)
	}
	expired("expired before the cap")
	bbb = click(t, ctx, "call-bbb", "/bbb")
	require.Equal(t, "401", bbb["status"], "step 02 (guard.go): an expired token is refused")
	session := sessionNote(t, ctx)
	assert.Equal(t, "expired", session["state"], todoTimeline+"after a 401 for an expired token the page says so: %q", session["text"])
	assert.Contains(t, session["text"], "Session over", todoTimeline+"after a 401 the page says the session is over")
	expired("expired, after the 401")

	// Forget the token: the next 401 is for no token at all.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("forget"))))
	bbb = click(t, ctx, "call-bbb", "/bbb")
	require.Equal(t, "401", bbb["status"], "step 02 (guard.go): GET /bbb without a token is refused")
	assert.Equal(t, "no-token", bbb["why"], todoTimeline+"after \"Forget the token\" the 401 row says no token was sent: %q", bbb["text"])
	assert.Contains(t, bbb["text"], "no token was sent", todoTimeline+"after \"Forget the token\" the 401 row says no token was sent")
	assert.NotContains(t, bbb["text"], "refused", todoTimeline+"no token was sent, so none was refused: %q", bbb["text"])
	check("forgotten")

	assert.Empty(t, missing(), "the page asked its server for something it does not have")
}

// pageLayout is what measurePage found.
type pageLayout struct {
	Problems    []string
	ClaimsLeft  float64
	ClaimsWidth float64
}

// measurePage sets the window's width, redraws, and measures the page: the
// timeline's labels (size, overlaps with each other and with their ticks,
// inside the picture), the token's bar (not hidden by the window drawn on
// it), the claims (not wrapped letter by letter), and the claims column.
func measurePage(t *testing.T, ctx context.Context, width int64) pageLayout {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)))
	layout, err := chromedp.Run(ctx, chromedp.Evaluate[pageLayout](`(() => {
		showToken(); // draw now, at this width
		const problems = [];
		const box = (el) => el.getBoundingClientRect();
		const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
		const timeline = document.getElementById('timeline');
		timeline.scrollIntoView();
		const picture = box(timeline);
		const labels = [...timeline.querySelectorAll('text')];
		for (const label of labels) {
			const size = parseFloat(getComputedStyle(label).fontSize) * label.getScreenCTM().a;
			if (size < 11) problems.push('the label "' + label.textContent + '" is ' + size.toFixed(1) + ' px high; want at least 11');
			const b = box(label);
			if (b.left < picture.left - 1 || b.right > picture.right + 1) problems.push('the label "' + label.textContent + '" runs out of the picture');
			const mark = label.dataset.for;
			for (const line of mark ? timeline.querySelectorAll('line[data-mark="' + mark + '"]') : []) {
				const l = box(line);
				const hit = { left: l.left - 0.5, right: l.right + 0.5, top: l.top, bottom: l.bottom };
				if (meets(b, hit)) problems.push('the label "' + label.textContent + '" covers its own mark (' + mark + ')');
			}
			for (const other of labels) {
				if (other !== label && labels.indexOf(other) > labels.indexOf(label) && meets(b, box(other))) {
					problems.push('the labels "' + label.textContent + '" and "' + other.textContent + '" overlap');
				}
			}
		}
		const life = timeline.querySelector('[data-mark="life"]');
		if (life && life.dataset.state === 'valid') {
			const l = box(life);
			const now = box(timeline.querySelector('[data-mark="now"]'));
			for (const x of [l.left + 2, (l.left + l.right) / 2, l.right - 2]) {
				if (Math.abs(x - now.left) < 4) continue; // the now line crosses every bar
				const top = document.elementFromPoint(x, l.top + l.height / 4);
				if (top !== life) problems.push('the valid token\'s bar is hidden at x=' + Math.round(x - picture.left) + ' by ' + (top ? top.getAttribute('class') || top.tagName : 'nothing'));
			}
		}
		const claims = document.getElementById('claims');
		for (const dd of claims.querySelectorAll('dd')) {
			const lines = Math.round(box(dd).height / parseFloat(getComputedStyle(dd).lineHeight));
			if (lines > 2) problems.push('the claim ' + dd.previousElementSibling.textContent + ' wraps on ' + lines + ' lines: ' + dd.textContent);
		}
		const column = box(claims.parentElement);
		return { Problems: problems, ClaimsLeft: column.left, ClaimsWidth: claims.children.length ? column.width : 0 };
	})()`))
	require.NoError(t, err, todoTimeline+"the page can be measured")
	return layout
}

// output returns the text of the page's <output id=id>, redrawn now.
func output(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(showToken(), document.getElementById('`+id+`').value)`))
	require.NoError(t, err)
	return text
}

// attribute returns an attribute of the first element that selector
// matches ("" if none).
func attribute(t *testing.T, ctx context.Context, selector, name string) string {
	t.Helper()
	value, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(showToken(), document.querySelector(%q)?.getAttribute(%q) || '')`, selector, name)))
	require.NoError(t, err)
	return value
}

// watchMissing records every answer of 400 or more that the page's own
// server gives the browser (a favicon it does not have, say).
func watchMissing(t *testing.T, ctx context.Context, pageURL string) func() []string {
	t.Helper()
	var mu sync.Mutex
	var missing []string
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		if r, ok := ev.(*network.EventResponseReceived); ok && strings.HasPrefix(r.Response.URL, pageURL) && r.Response.Status >= 400 {
			mu.Lock()
			defer mu.Unlock()
			missing = append(missing, fmt.Sprintf("%s: %d", r.Response.URL, r.Response.Status))
		}
	}), "the browser starts")
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return missing
	}
}
