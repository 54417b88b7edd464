package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

const todoBearer = "step 02 (bearer.go): "

// b64token is RFC 6750's grammar, as a regexp: fine in a test, too slow
// for every request.
var b64token = regexp.MustCompile(`^[A-Za-z0-9\-._~+/]+=*$`)

var parseBearerTests = []struct {
	name    string
	value   string
	want    string
	wantErr error
}{
	{"a JWT", "Bearer aaa.bbb.ccc", "aaa.bbb.ccc", nil},
	{"scheme in lower case", "bearer aaa.bbb.ccc", "aaa.bbb.ccc", nil},
	{"scheme in upper case", "BEARER aaa.bbb.ccc", "aaa.bbb.ccc", nil},
	{"several spaces (1*SP)", "Bearer   aaa.bbb.ccc", "aaa.bbb.ccc", nil},
	{"every b64token character", "Bearer az-AZ.09_~+/==", "az-AZ.09_~+/==", nil},
	{"at the length limit", "Bearer " + strings.Repeat("a", maxTokenBytes), strings.Repeat("a", maxTokenBytes), nil},
	{"empty header", "", "", errNoToken},
	{"Basic scheme (the chapter accepts it)", "Basic aaa.bbb.ccc", "", errNoToken},
	{"a token without a scheme", "aaa.bbb.ccc", "", errNoToken},
	{"Bearer glued to the token", "Beareraaa.bbb.ccc", "", errNoToken},
	{"a bare Bearer", "Bearer", "", errMalformed},
	{"Bearer and a space", "Bearer ", "", errMalformed},
	{"Bearer and two spaces (the chapter reads an empty token)", "Bearer  ", "", errMalformed},
	{"a second word (the chapter accepts it)", "Bearer aaa.bbb.ccc extra", "", errMalformed},
	{"a trailing space", "Bearer aaa.bbb.ccc ", "", errMalformed},
	{"a tab instead of a space", "Bearer\taaa.bbb.ccc", "", errNoToken},
	{"a comma", "Bearer aaa,bbb", "", errMalformed},
	{"padding only", "Bearer ==", "", errMalformed},
	{"padding inside", "Bearer aa=bb", "", errMalformed},
	{"non-ASCII", "Bearer tökén", "", errMalformed},
	{"a control character", "Bearer aaa\x00bbb", "", errMalformed},
	{"over the length limit", "Bearer " + strings.Repeat("a", maxTokenBytes+1), "", errMalformed},
}

func TestParseBearer(t *testing.T) {
	for _, tt := range parseBearerTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseBearer(tt.value)
			assert.Equal(t, tt.want, got, todoBearer+"the token of %.40q", tt.value)
			assert.Equal(t, tt.wantErr, err, todoBearer+"the error for %.40q (errNoToken: not a Bearer header; errMalformed: a Bearer header that breaks RFC 6750)", tt.value)
		})
	}
}

func TestBearerTokenHeaderCount(t *testing.T) {
	tests := []struct {
		name    string
		values  []string
		want    string
		wantErr error
	}{
		{"no Authorization header", nil, "", errNoToken},
		{"one", []string{"Bearer aaa.bbb.ccc"}, "aaa.bbb.ccc", nil},
		{"two: which one would we trust?", []string{"Bearer aaa.bbb.ccc", "Bearer ddd.eee.fff"}, "", errMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.values {
				h.Add("Authorization", v)
			}
			got, err := bearerToken(h)
			assert.Equal(t, tt.want, got, todoBearer+"bearerToken's token")
			assert.Equal(t, tt.wantErr, err, todoBearer+"bearerToken's error")
		})
	}
}

// FuzzParseBearer checks parseBearer's promises on any input: it never
// panics, and a token it returns is a non-empty b64token within the limit
// that parses back to itself. The seeds run as an ordinary test.
func FuzzParseBearer(f *testing.F) {
	for _, tt := range parseBearerTests {
		f.Add(tt.value)
	}
	f.Fuzz(func(t *testing.T, value string) {
		token, err := parseBearer(value)
		if err != nil {
			if token != "" {
				t.Errorf(todoBearer+"parseBearer(%q) returned %q with an error", value, token)
			}
			return
		}
		if len(token) > maxTokenBytes || !b64token.MatchString(token) {
			t.Errorf(todoBearer+"parseBearer(%q) accepted %q, which is not a b64token of at most %d bytes", value, token, maxTokenBytes)
		}
		if !strings.HasSuffix(value, token) {
			t.Errorf(todoBearer+"parseBearer(%q) = %q: the token must be the end of the header", value, token)
		}
		again, err := parseBearer("Bearer " + token)
		if err != nil || again != token {
			t.Errorf(todoBearer+"parseBearer(%q) = %q, but \"Bearer \"+%q parses to %q, %v", value, token, token, again, err)
		}
	})
}

func BenchmarkParseBearer(b *testing.B) {
	value := "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VybmFtZSI6Imd1YW5nIn0.uERnCoRSIzCC5Od5lvhh6UdO4KJLwsDqvnD41nkuWmM"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseBearer(value); err != nil {
			b.Fatal(err)
		}
	}
}
