package main

import (
	"fmt"
	"net"
	"net/url"
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
		o = strings.TrimSpace(o)
		u, err := url.Parse(o)
		if o == "*" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("-allow-origin: %q is not an origin: write scheme://host[:port], e.g. http://localhost:5173 (no path, no *)", o)
		}
		origins = append(origins, o)
	}
	return origins, nil
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
