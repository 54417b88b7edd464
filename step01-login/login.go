package main

import (
	"io"
	"net/http"
)

// maxBodyBytes bounds the login body: a client cannot make us read more.
// A login is at most about 170 bytes (a 64-byte username, a 72-byte
// password and the JSON around them), under 1 KiB with every character
// \u-escaped: 4 KiB leaves room, and a hundred clients sending the
// largest body at once cost the server well under a megabyte.
const maxBodyBytes = 4 << 10

// Field limits: bcrypt reads at most 72 bytes of a password.
const (
	maxUsernameBytes = 64
	maxPasswordBytes = 72
)

// msgBadCredentials does not say which of the two was wrong.
const msgBadCredentials = "username or password is incorrect"

// credentials is the login body: {"username": "…", "password": "…"}.
type credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// handleLogin answers POST /user/login: 201 and the bare token as the body
// (as the chapter's server does), or a JSON error. Failed logins are
// limited, and so are the password checks in flight (throttle.go); the
// limits read the time from the tokens' clock.
func handleLogin(users *Users, tokens *Tokens) http.Handler {
	limits := newLoginLimits(tokens.now)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		creds, err := decodeCredentials(w, r)
		if err != nil {
			writeRequestError(w, err)
			return
		}
		attempt, refused := limits.begin(r.Context(), clientAddr(r), creds.Username)
		if refused != nil {
			refused.write(w)
			return
		}
		ok := users.Check(creds.Username, creds.Password)
		attempt.end(ok)
		if !ok {
			writeError(w, http.StatusBadRequest, msgBadCredentials)
			return
		}
		token, err := tokens.Sign(creds.Username)
		if err != nil {
			writeError(w, http.StatusInternalServerError, "could not sign a token")
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store") // a token must never be cached
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, token)
	})
}

// decodeCredentials reads and validates the login body. Its errors are
// *requestError values that say what the client must change.
func decodeCredentials(w http.ResponseWriter, r *http.Request) (credentials, error) {
	// TODO 1 (login.go): decode and validate the login body, as the README's
	//   error table says.
	//   a. Only a JSON Content-Type (415 otherwise).
	//   b. Never read more than maxBodyBytes, whatever the request claims (413).
	//   c. Exactly one JSON object, of known fields only, and nothing after it (400).
	//   d. Each failure is a *requestError whose message says what is wrong.
	//   e. username and password are required, and at most maxUsernameBytes and
	//      maxPasswordBytes long (bytes, not characters).
	//   f. Keys spelled exactly, each once: pass the body to checkKeys (given,
	//      strict.go) before decoding it (400).
	return credentials{}, &requestError{http.StatusNotImplemented, "TODO 1 (login.go): decode and validate the login body"}
}
