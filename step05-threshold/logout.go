package main

import "net/http"

// addSessionRoutes adds the routes that end sessions. Both are behind the
// guard: only the holder of a valid token of a live session may end it,
// and the guard hands over its claims (who, which session, since when).
// Neither renews: a token for a session that has just ended is no use.
func addSessionRoutes(mux *http.ServeMux, tokens *Tokens) {
	// TODO 5 (logout.go): make the two routes reachable, to the holders of
	// a live session only (see above).
}

// handleLogout answers POST /user/logout: it ends the session of the
// token presented (its sid: every token of that login, renewed or not) and
// answers 204; 503 when the store could not record it.
func handleLogout(tokens *Tokens) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// TODO 5 (logout.go): end this session, and have it remembered for as
		// long as a token of it could still be accepted, no longer.
		writeError(w, http.StatusNotImplemented, "TODO 5 (logout.go): logout is not written yet")
	})
}

// handleLogoutAll answers POST /user/logout-all: it ends every session of
// the user that started before now, this one included, and answers 204;
// a login after it starts a session that lives on. 503 when the store
// could not record it.
func handleLogoutAll(tokens *Tokens) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// TODO 5 (logout.go): end every session of this user that started
		// before now, this one too (JWT times are whole seconds), for as long
		// as a token of them could still be accepted.
		writeError(w, http.StatusNotImplemented, "TODO 5 (logout.go): logout everywhere is not written yet")
	})
}
