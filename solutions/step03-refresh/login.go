package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
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
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		return credentials{}, &requestError{http.StatusUnsupportedMediaType,
			`send the body as JSON, with "Content-Type: application/json"`}
	}

	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return credentials{}, jsonError(err)
	}
	if err := checkKeys(data, "username", "password"); err != nil {
		return credentials{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var creds credentials
	if err := dec.Decode(&creds); err != nil {
		return credentials{}, jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err == nil {
			return credentials{}, &requestError{http.StatusBadRequest, "the body must hold one JSON object and nothing after it"}
		}
		return credentials{}, jsonError(err)
	}

	switch {
	case creds.Username == "":
		return credentials{}, &requestError{http.StatusBadRequest, "username is required"}
	case creds.Password == "":
		return credentials{}, &requestError{http.StatusBadRequest, "password is required"}
	case len(creds.Username) > maxUsernameBytes:
		return credentials{}, &requestError{http.StatusBadRequest, fmt.Sprintf("username must be at most %d bytes", maxUsernameBytes)}
	case len(creds.Password) > maxPasswordBytes:
		return credentials{}, &requestError{http.StatusBadRequest, fmt.Sprintf("password must be at most %d bytes", maxPasswordBytes)}
	}
	return creds, nil
}

// jsonError turns a decoding error into a message for the client.
func jsonError(err error) error {
	var (
		tooLarge  *http.MaxBytesError
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooLarge):
		return &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("the body must be at most %d bytes", tooLarge.Limit)}
	case errors.Is(err, io.EOF):
		return &requestError{http.StatusBadRequest, `the body is empty: send {"username": "…", "password": "…"}`}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &requestError{http.StatusBadRequest, "the body is not valid JSON: it ends too early"}
	case errors.As(err, &syntaxErr):
		return &requestError{http.StatusBadRequest, fmt.Sprintf("the body is not valid JSON (at byte %d): %v", syntaxErr.Offset, err)}
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return &requestError{http.StatusBadRequest, fmt.Sprintf("the body must be a JSON object, not %s", typeErr.Value)}
	case errors.As(err, &typeErr):
		return &requestError{http.StatusBadRequest, fmt.Sprintf("%s must be a JSON string, not %s", typeErr.Field, typeErr.Value)}
	default: // e.g. json: unknown field "role"
		return &requestError{http.StatusBadRequest, fmt.Sprintf("the body is not a valid login request: %v", err)}
	}
}
