package main

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const todoBearer = "step 02 (bearer.go): "

// b64token is RFC 6750's grammar, as a regexp: fine in a test, too slow
// for every request.
var b64token = regexp.MustCompile(`^[A-Za-z0-9\-._~+/]+=*$`)

// errNoTokenOrMalformed marks a header that two readings refuse, both
// rightly: either error gives a 401.
var errNoTokenOrMalformed = errors.New("errNoToken or errMalformed")

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
	{"a bare Bearer", "Bearer", "", errMalformed},
	{"Bearer and a space", "Bearer ", "", errMalformed},
	{"Bearer and two spaces (the chapter reads an empty token)", "Bearer  ", "", errMalformed},
	{"a second word (the chapter accepts it)", "Bearer aaa.bbb.ccc extra", "", errMalformed},
	{"a trailing space", "Bearer aaa.bbb.ccc ", "", errMalformed},
	{"a comma", "Bearer aaa,bbb", "", errMalformed},
	{"padding only", "Bearer ==", "", errMalformed},
	{"padding inside", "Bearer aa=bb", "", errMalformed},
	{"non-ASCII", "Bearer tökén", "", errMalformed},
	{"a control character", "Bearer aaa\x00bbb", "", errMalformed},
	{"over the length limit", "Bearer " + strings.Repeat("a", maxTokenBytes+1), "", errMalformed},
	// Not the grammar, but is it another scheme or a broken Bearer? Both
	// readings are right: either error is a 401.
	{"Bearer glued to the token", "Beareraaa.bbb.ccc", "", errNoTokenOrMalformed},
	{"a tab instead of a space", "Bearer\taaa.bbb.ccc", "", errNoTokenOrMalformed},
}

// wantErrText says in words which error a case wants.
func wantErrText(want error) string {
	switch want {
	case nil:
		return "no error"
	case errNoToken:
		return "errNoToken (not a Bearer header)"
	case errMalformed:
		return "errMalformed (a Bearer header that breaks RFC 6750)"
	}
	return want.Error()
}

// isWantedErr reports whether err is what a case wants.
func isWantedErr(err, want error) bool {
	if want == errNoTokenOrMalformed {
		return errors.Is(err, errNoToken) || errors.Is(err, errMalformed)
	}
	return errors.Is(err, want)
}

func TestParseBearer(t *testing.T) {
	// The table needs the simplest case first: the stub fails it once, not 22 times.
	got, err := parseBearer("Bearer aaa.bbb.ccc")
	require.Truef(t, err == nil && got == "aaa.bbb.ccc",
		todoBearer+"parseBearer(%q) = %q, %v; want \"aaa.bbb.ccc\", no error", "Bearer aaa.bbb.ccc", got, err)

	for _, tt := range parseBearerTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseBearer(tt.value)
			require.Truef(t, isWantedErr(err, tt.wantErr),
				todoBearer+"parseBearer(%.40q) returned the error %v; want %s", tt.value, err, wantErrText(tt.wantErr))
			assert.Equal(t, tt.want, got, todoBearer+"the token of %.40q", tt.value)
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
		{"two, the first empty", []string{"", "Bearer aaa.bbb.ccc"}, "", errMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.values {
				h.Add("Authorization", v)
			}
			got, err := bearerToken(h)
			require.Truef(t, isWantedErr(err, tt.wantErr),
				todoBearer+"bearerToken with the Authorization headers %q returned the error %v; want %s", tt.values, err, wantErrText(tt.wantErr))
			assert.Equal(t, tt.want, got, todoBearer+"bearerToken's token for the Authorization headers %q", tt.values)
		})
	}
}

// TestParseBearerIsCheap holds parseBearer to the lesson's promise: it runs
// on every request, so it allocates nothing, on any path, and it is a byte
// loop, many times faster than a regexp.
func TestParseBearerIsCheap(t *testing.T) {
	const sample = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VybmFtZSI6Imd1YW5nIn0.uERnCoRSIzCC5Od5lvhh6UdO4KJLwsDqvnD41nkuWmM"
	got, err := parseBearer("Bearer " + sample)
	require.Truef(t, err == nil && got == sample, todoBearer+"parseBearer(%.40q) = %.40q, %v; want the token, no error", "Bearer "+sample, got, err)

	for _, value := range []string{"Bearer " + sample, "bearer   " + sample, "Basic " + sample, "Bearer " + sample + " extra", "Bearer", "Bearer tökén", ""} {
		allocs := testing.AllocsPerRun(100, func() { parseBearer(value) })
		assert.Zerof(t, allocs, todoBearer+"parseBearer(%.40q) makes %v allocations; want none: it runs on every request", value, allocs)
	}

	// Timed on the longest token we accept: the fastest of many calls, the
	// two taken in turn, so that a busy machine slows both alike. A byte
	// loop is about 25 times faster than the regexp (even one that looks up
	// each character with strings.ContainsRune is 3 times faster): a factor
	// of 2 does not flake. Coverage counters slow the loop alone: not timed.
	if testing.CoverMode() != "" {
		return
	}
	long := "Bearer " + strings.Repeat(sample[:64], maxTokenBytes/64)
	timed := func(f func()) time.Duration {
		start := time.Now()
		f()
		return time.Since(start)
	}
	loop, re := time.Hour, time.Hour
	for range 60 {
		loop = min(loop, timed(func() { parseBearer(long) }))
		re = min(re, timed(func() { b64token.MatchString(long[len("Bearer "):]) }))
	}
	assert.Lessf(t, 2*loop, re,
		todoBearer+"parseBearer took %v on an 8 KiB token, a regexp %v: check the characters with a byte loop, no regexp", loop, re)
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
