package readme

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// fakeCurlEnv, set to 1, makes the test binary act as curl: the replayed
// transcripts' shell finds it first in PATH.
const fakeCurlEnv = "README_TEST_CURL"

func TestMain(m *testing.M) {
	if os.Getenv(fakeCurlEnv) == "1" {
		os.Exit(curl(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// curl does what curl does with the flags the READMEs use, and refuses
// any other flag loudly, so that a README cannot show what the replay
// does not do. It returns curl's exit status.
func curl(args []string, stdout, stderr io.Writer) int {
	var (
		method, data, writeOut, outFile, dumpHeader, url string
		include, hasData                                 bool
		headers                                          []string
	)
	refuse := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "curl (README replay): "+format+"; the replay supports -s -i -X -H -d/--data/--data-raw/--data-binary -o -w -D\n", a...)
		return 2
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		value := func() (string, bool) {
			if i+1 >= len(args) {
				return "", false
			}
			i++
			return args[i], true
		}
		var ok = true
		switch a {
		case "-s", "--silent":
		case "-i", "--include":
			include = true
		case "-X", "--request":
			method, ok = value()
		case "-H", "--header":
			var h string
			h, ok = value()
			headers = append(headers, h)
		case "-d", "--data", "--data-raw", "--data-binary":
			var d string
			d, ok = value()
			if strings.HasPrefix(d, "@") && a != "--data-raw" {
				return refuse("%s %q: reading data from a file", a, d)
			}
			if hasData {
				data += "&"
			}
			data += d
			hasData = true
		case "-o", "--output":
			outFile, ok = value()
		case "-w", "--write-out":
			writeOut, ok = value()
		case "-D", "--dump-header":
			dumpHeader, ok = value()
		default:
			if strings.HasPrefix(a, "-") {
				return refuse("unsupported flag %q", a)
			}
			if url != "" {
				return refuse("a second URL %q", a)
			}
			url = a
		}
		if !ok {
			return refuse("%s needs a value", a)
		}
	}
	if url == "" {
		return refuse("no URL")
	}
	if !strings.Contains(url, "://") {
		url = "http://" + url
	}
	if method == "" {
		method = http.MethodGet
		if hasData {
			method = http.MethodPost
		}
	}
	var body io.Reader
	if hasData {
		body = strings.NewReader(data)
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return refuse("%v", err)
	}
	if req.URL.Scheme != "http" {
		return refuse("scheme %q", req.URL.Scheme)
	}
	req.Header.Set("User-Agent", "curl/8.0")
	req.Header.Set("Accept", "*/*")
	if hasData {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, h := range headers {
		k, v, found := strings.Cut(h, ":")
		if !found {
			return refuse("header %q without a colon", h)
		}
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	host := req.URL.Host
	if req.URL.Port() == "" {
		host += ":80"
	}
	conn, err := net.DialTimeout("tcp", host, 5*time.Second)
	if err != nil {
		fmt.Fprintf(stderr, "curl: (7) Failed to connect to %s: %v\n", host, err)
		return 7
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(15 * time.Second))
	if err := req.Write(conn); err != nil {
		fmt.Fprintf(stderr, "curl: (55) %v\n", err)
		return 55
	}
	// The raw bytes up to the end of the headers are what curl -i and -D
	// print: the status line and the headers in the server's order.
	var raw bytes.Buffer
	br := bufio.NewReader(io.TeeReader(conn, &raw))
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		fmt.Fprintf(stderr, "curl: (52) %v\n", err)
		return 52
	}
	head := raw.Bytes()
	if k := bytes.Index(head, []byte("\r\n\r\n")); k >= 0 {
		head = head[:k+4]
	}
	head = append([]byte(nil), head...)
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		fmt.Fprintf(stderr, "curl: (18) %v\n", err)
		return 18
	}
	switch dumpHeader {
	case "":
	case "-":
		stdout.Write(head)
	default:
		if err := os.WriteFile(dumpHeader, head, 0o600); err != nil {
			return refuse("%v", err)
		}
	}
	out := stdout
	if outFile != "" && outFile != "-" {
		f, err := os.Create(outFile)
		if err != nil {
			return refuse("%v", err)
		}
		defer f.Close()
		out = f
	}
	if include {
		out.Write(head)
	}
	out.Write(respBody)
	if writeOut != "" {
		w := strings.NewReplacer(`%{http_code}`, fmt.Sprintf("%03d", resp.StatusCode), `\n`, "\n", `\t`, "\t").Replace(writeOut)
		if strings.Contains(w, "%{") {
			return refuse("-w %q: only %%{http_code} is supported", writeOut)
		}
		io.WriteString(stdout, w)
	}
	return 0
}
