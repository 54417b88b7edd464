package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 18: answers to requests in flight at once can arrive in any order,
// and RoundTrip must keep their tokens by Store's rule (the latest exp),
// not "the last to arrive". Two requests share the transport: the answer
// to the first, renewed earlier, is held back until the second's answer,
// with a newer token, has been read. Deterministic: no race needed.
func TestTransportAnswersOutOfOrder(t *testing.T) {
	login, older, newer := signedAt(t, fakeNow), signedAt(t, fakeNow.Add(time.Minute)), signedAt(t, fakeNow.Add(2*time.Minute))
	release := make(chan struct{})
	base := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		token := newer
		if req.URL.Path == "/slow" {
			<-release // the network delays this answer
			token = older
		}
		h := http.Header{}
		h.Set("token", token)
		return &http.Response{StatusCode: http.StatusOK, Header: h, Body: http.NoBody}, nil
	})
	transport := NewTokenTransport(base, login)
	client := &http.Client{Transport: transport}

	slow := make(chan error, 1)
	go func() {
		res, err := client.Get("http://api.test/slow")
		if err == nil {
			res.Body.Close()
		}
		slow <- err
	}()
	clientGet(t, client, "/fast").Body.Close()
	close(release)
	require.NoError(t, <-slow)

	assert.True(t, transport.Token() == newer, todoClient+"two requests in flight: one answer carried %s, then a late one %s; the transport kept %s; want %s: every answer's token goes through Store's rule (the latest exp wins, not the last to arrive)",
		show(newer), show(older), show(transport.Token()), show(newer))
}

// Issue 18: the transport sends the stored token whatever the caller's
// request carries: exactly one Authorization header. With two, which one a
// server or a proxy reads is anybody's guess.
func TestTransportReplacesAuthorization(t *testing.T) {
	token := signedAt(t, fakeNow)
	var sent []string
	base := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		sent = req.Header.Values("Authorization")
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: http.NoBody}, nil
	})
	client := &http.Client{Transport: NewTokenTransport(base, token)}
	req, err := http.NewRequest(http.MethodGet, "http://api.test/bbb", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer stale")

	res, err := client.Do(req)
	require.NoError(t, err)
	res.Body.Close()

	want := []string{"Bearer " + token}
	assert.True(t, len(sent) == 1 && sent[0] == want[0], todoRoundTrip+"GET /bbb carrying \"Authorization: Bearer stale\" went out with %d Authorization header(s) %.60q; want exactly one, \"Bearer \" and the stored token", len(sent), sent)
	assert.Equal(t, "Bearer stale", req.Header.Get("Authorization"), todoRoundTrip+"the caller's request was changed; a RoundTripper must not change the request it is given")
}
