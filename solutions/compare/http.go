package compare

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
)

// The demo user, as in the course.
const (
	demoUser     = "guang"
	demoPassword = "123456"
)

const maxBodyBytes = 1 << 20

// writeError answers with the course's JSON error shape.
func writeError(w http.ResponseWriter, status int, message string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"message": message, "error": http.StatusText(status), "statusCode": status})
}

// decodeJSON reads a bounded JSON body into v.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "the body must be a JSON object: "+err.Error())
		return false
	}
	return true
}

// checkLogin decodes {"username", "password"} and checks them against the
// demo user (constant-time: this package keeps no password hashes).
func checkLogin(w http.ResponseWriter, r *http.Request) (string, bool) {
	var creds struct{ Username, Password string }
	if !decodeJSON(w, r, &creds) {
		return "", false
	}
	userOK := subtle.ConstantTimeCompare([]byte(creds.Username), []byte(demoUser))
	passOK := subtle.ConstantTimeCompare([]byte(creds.Password), []byte(demoPassword))
	if userOK&passOK != 1 {
		writeError(w, http.StatusBadRequest, "username or password is incorrect")
		return "", false
	}
	return creds.Username, true
}

// bearer returns the token of "Authorization: Bearer <token>", or "".
func bearer(r *http.Request) string {
	values := r.Header["Authorization"]
	if len(values) != 1 {
		return ""
	}
	scheme, token, ok := strings.Cut(values[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
		return ""
	}
	return token
}
