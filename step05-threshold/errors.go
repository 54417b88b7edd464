package main

import (
	"encoding/json"
	"errors"
	"net/http"
)

// errorBody is the shape of every error response, the same as the
// chapter's NestJS server: {"message": …, "error": …, "statusCode": …}.
type errorBody struct {
	Message    string `json:"message"`
	Error      string `json:"error"`
	StatusCode int    `json:"statusCode"`
}

// requestError is a problem with the request: the status to answer and a
// message that tells the client what to change.
type requestError struct {
	status  int
	message string
}

func (e *requestError) Error() string { return e.message }

// writeError answers with status and the JSON error body.
func writeError(w http.ResponseWriter, status int, message string) {
	text := http.StatusText(status)
	if status == http.StatusRequestEntityTooLarge {
		text = "Payload Too Large" // RFC 9110's name; Go still uses the old one
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(errorBody{Message: message, Error: text, StatusCode: status})
}

// writeRequestError answers err: its own status and message when it is a
// *requestError, a 500 that reveals nothing otherwise.
func writeRequestError(w http.ResponseWriter, err error) {
	var re *requestError
	if errors.As(err, &re) {
		writeError(w, re.status, re.message)
		return
	}
	writeError(w, http.StatusInternalServerError, "internal error")
}
