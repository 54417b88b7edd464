package main

import "net/http"

// addSessionRoutes adds the routes that end sessions. Both are behind the
// guard: only the holder of a valid token of a live session may end it,
// and the guard hands over its claims (who, which session, since when).
// Neither renews: a token for a session that has just ended is no use.
func addSessionRoutes(mux *http.ServeMux, tokens *Tokens) {
	mux.Handle("POST /user/logout", guard(tokens)(handleLogout(tokens)))
	mux.Handle("POST /user/logout-all", guard(tokens)(handleLogoutAll(tokens)))
}

// handleLogout answers POST /user/logout: it ends the session of the
// token presented (its sid: every token of that login, renewed or not) and
// answers 204; 503 when the store could not record it.
func handleLogout(tokens *Tokens) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims, ok := claimsFrom(r.Context())
		if !ok {
			writeError(w, http.StatusInternalServerError, "internal error") // not behind the guard: wired wrong
			return
		}
		// No token of the session lives past auth_time + MaxSession: the
		// entry is needed until then, and no longer.
		until := claims.AuthTime.Add(tokens.policy.MaxSession)
		if err := tokens.sessions.End(r.Context(), claims.Username, claims.SessionID, until); err != nil {
			unavailable(w, msgLogoutNotRecorded)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// handleLogoutAll answers POST /user/logout-all: it ends every session of
// the user that started before now, this one included, and answers 204;
// a login after it starts a session that lives on. 503 when the store
// could not record it.
func handleLogoutAll(tokens *Tokens) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims, ok := claimsFrom(r.Context())
		if !ok {
			writeError(w, http.StatusInternalServerError, "internal error") // not behind the guard: wired wrong
			return
		}
		now := tokens.now()
		// The cut-off ends the sessions that started before this second;
		// this one may have started in it: end it by its sid too.
		ctx, user, maxSession := r.Context(), claims.Username, tokens.policy.MaxSession
		if err := tokens.sessions.End(ctx, user, claims.SessionID, claims.AuthTime.Add(maxSession)); err != nil {
			unavailable(w, msgLogoutNotRecorded)
			return
		}
		// A session that started before now ends by now + MaxSession.
		if err := tokens.sessions.EndAll(ctx, user, now, now.Add(maxSession)); err != nil {
			unavailable(w, msgLogoutNotRecorded)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}
