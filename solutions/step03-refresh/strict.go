package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// checkKeys refuses a JSON object whose keys another parser could read
// differently from Go's encoding/json, which matches a key to a field
// without regard to case (as strings.EqualFold does: "USERNAME", even
// "uſername", fill username) and keeps the last of two equal keys (other
// parsers keep the first, or refuse). A proxy or a firewall in front of the
// server that reads {"username":"nobody","username":"guang"} as nobody must
// not let the server log guang in. So a key that matches one of fields must
// be spelled exactly as it, and no key may appear twice.
//
// It looks at the object's keys only: a key that matches no field in any
// case is the decoder's to refuse (DisallowUnknownFields), and anything
// else wrong with data (not JSON, not an object, a value of the wrong type)
// too: then it returns nil. Its errors are *requestError values (400).
func checkKeys(data []byte, fields ...string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	seen := make(map[string]bool, len(fields))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		key, _ := tok.(string)
		for _, f := range fields {
			if key != f && strings.EqualFold(key, f) {
				return &requestError{http.StatusBadRequest, fmt.Sprintf("unknown field %q: field names are case-sensitive, send %q", key, f)}
			}
		}
		if seen[key] {
			return &requestError{http.StatusBadRequest, fmt.Sprintf("field %q appears twice: send each field once", key)}
		}
		seen[key] = true
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil
		}
	}
	return nil
}
