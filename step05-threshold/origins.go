package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// parseOrigins reads the -allow-origin flag: comma-separated origins such
// as http://localhost:5173. An empty flag gives nil (use the default).
func parseOrigins(flag string) ([]string, error) {
	if strings.TrimSpace(flag) == "" {
		return nil, nil
	}
	var origins []string
	for _, o := range strings.Split(flag, ",") {
		// A browser writes the scheme and host in lower case.
		o = strings.ToLower(strings.TrimSpace(o))
		if err := checkOrigin(o); err != nil {
			return nil, fmt.Errorf("-allow-origin: %q is not an origin (%v): write scheme://host[:port], e.g. http://localhost:5173 (no path, no *)", o, err)
		}
		origins = append(origins, o)
	}
	return origins, nil
}

// checkOrigin accepts an origin only as a browser writes it in the Origin
// header: http or https, a host, maybe a port, nothing else. rs/cors reads
// a * in an allowed origin as "any characters": http://* would let every
// site's page call the API and read the token.
func checkOrigin(o string) error {
	if strings.Contains(o, "*") {
		return errors.New("a * would match other sites")
	}
	u, err := url.Parse(o)
	switch {
	case err != nil:
		return errors.New("it does not parse")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("the scheme must be http or https")
	case o != u.Scheme+"://"+u.Host:
		return errors.New("only scheme://host[:port]: no path, query, fragment, user or trailing slash")
	case !validHost(u.Hostname()):
		return errors.New("the host must be a name or an IP address")
	}
	if port := u.Port(); port != "" || strings.HasSuffix(u.Host, ":") {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
			return errors.New("the port must be 1 to 65535, without leading zeros")
		}
		if u.Scheme == "http" && n == 80 || u.Scheme == "https" && n == 443 {
			return errors.New("a browser leaves out the default port: leave it out too")
		}
	}
	return nil
}

// validHost reports whether host is an IP address or a DNS name (lower-case
// letters, digits and hyphens, in labels between dots).
func validHost(host string) bool {
	if net.ParseIP(host) != nil {
		return true
	}
	if host == "" || len(host) > 253 {
		return false
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// baseURL is the http:// URL of a listener: the host as the flag named it
// (localhost when it named none), the port it really got (for :0).
func baseURL(flagAddr string, actual net.Addr) string {
	host, _, _ := net.SplitHostPort(flagAddr)
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	_, port, _ := net.SplitHostPort(actual.String())
	return "http://" + net.JoinHostPort(host, port)
}

// viteDevOrigins are the origins of Vite's dev server on its default port,
// where the chapter's React client runs: allowed by default, so that it
// works against the API unchanged, next to the course page.
var viteDevOrigins = []string{"http://localhost:5173", "http://127.0.0.1:5173"}

// defaultOrigins is the default of -allow-origin: the course page's own
// origin under each loopback name, and Vite's dev server.
func defaultOrigins(pageURL string) []string {
	origins := loopbackAliases(pageURL)
	for _, o := range viteDevOrigins {
		if !slices.Contains(origins, o) { // the page itself may be on 5173
			origins = append(origins, o)
		}
	}
	return origins
}

// loopbackAliases is the default allowed origin: the page's own, under each
// name of the loopback interface (a browser at http://localhost:5173 and one
// at http://127.0.0.1:5173 send different Origin headers).
func loopbackAliases(pageURL string) []string {
	u, err := url.Parse(pageURL)
	if err != nil {
		return []string{pageURL}
	}
	switch u.Hostname() {
	case "localhost", "127.0.0.1", "::1":
		port := u.Port()
		return []string{
			"http://" + net.JoinHostPort("localhost", port),
			"http://" + net.JoinHostPort("127.0.0.1", port),
			"http://" + net.JoinHostPort("::1", port),
		}
	}
	return []string{pageURL}
}
