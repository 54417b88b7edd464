package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// todoLogoutPage labels what the page's logout buttons (web/app.js,
// given) get wrong once TODOs 4 and 5 pass.
const todoLogoutPage = "step 05 (web/app.js): "

// TestBrowserLogout: the page's "Log out" and "Log out everywhere" end
// the session on the server (issue 21). The page keeps the token, so that
// the next call shows the refusal, and the note and the timeline say why.
func TestBrowserLogout(t *testing.T) {
	afterTODOs4and5(t)
	browser := requireBrowser(t, todoLogoutPage)
	for _, tt := range []struct{ button, path, says string }{
		{"logout", "/user/logout", "you logged out at"},
		{"logout-all", "/user/logout-all", "you logged out everywhere at"},
	} {
		t.Run(tt.button, func(t *testing.T) {
			clock := newTestClock(time.Now().UTC().Truncate(time.Second))
			pageURL := servePair(t, NewTokensWith(testSecret, clock.Now, shortPolicy))
			ctx := newBrowser(t, browser)
			openPage(t, ctx, pageURL)
			setPageClock(t, ctx, clock)
			logIn(t, ctx)
			advance(t, ctx, clock, time.Minute)
			require.Equal(t, "200", click(t, ctx, "call-bbb", "/bbb")["status"], "a call before the logout")

			out := click(t, ctx, tt.button, tt.path)
			require.Equal(t, "204", out["status"], todoLogout+"the page's %s button: POST %s answers %s, want 204", tt.button, tt.path, out["status"])
			assert.NotEmpty(t, storedToken(t, ctx), todoLogoutPage+"the page keeps the token, to show the refusal")

			bbb := click(t, ctx, "call-bbb", "/bbb")
			require.Equal(t, "401", bbb["status"], todoEnded+"GET /bbb after the page's %s: status %s, want 401", tt.button, bbb["status"])
			note := sessionNote(t, ctx)
			assert.Equal(t, "ended", note["state"], todoLogoutPage+"after the 401 the note says the session ended: %q", note["text"])
			assert.Contains(t, note["text"], tt.says, todoLogoutPage+"the note says who ended it, and when")
			assert.Len(t, timelineMarks(t, ctx)["logged-out"], 1, todoLogoutPage+"the timeline marks the logout")
		})
	}
}
