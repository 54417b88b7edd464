// Command step05-threshold serves the finished course: the API, whose
// tokens are renewed only near expiry and never past a session cap, and
// the course page on a second origin.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.LookupEnv, os.Stdout, os.Stderr); err != nil {
		os.Exit(exitCode(err, os.Stderr))
	}
}

// exitCode is the exit status for run's error, which it prints: 0 for -h
// (the flag package has printed the usage: help was asked for, nothing
// failed), else 1.
func exitCode(err error, stderr io.Writer) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintf(stderr, "error: %v\n", err)
	return 1
}

// run is the whole program: main only hands it the outside world, so tests
// can run it with their own arguments, environment and output. lookupEnv is
// os.LookupEnv: it tells a variable set to "" from one not set at all.
func run(ctx context.Context, args []string, lookupEnv func(string) (string, bool), stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "localhost:3000", "`host:port` the API listens on")
	dev := fs.Bool("dev", false, "development mode: accept a guessable JWT_SECRET (or none, on any -addr), with a warning; never in production")
	perClient := fs.Int("max-conns-per-client", maxConnsPerClient, "the open connections one client address may hold, `n` from 1 to 256; past them, a new one is answered 429 and closed")
	webAddr := fs.String("web-addr", "localhost:4800", "`host:port` the course page is served on: a second origin, on a port no common dev server takes by default")
	allowOrigin := fs.String("allow-origin", "", "comma-separated `origins` whose pages may call the API (default: the course page's own, and Vite's default dev origins http://localhost:5173 and http://127.0.0.1:5173)")
	policy := DefaultPolicy()
	fs.DurationVar(&policy.TTL, "ttl", policy.TTL, "how long a token lives")
	fs.DurationVar(&policy.RenewBefore, "renew-before", 0, "renew a token when at most this is left (default: half of -ttl)")
	fs.DurationVar(&policy.MaxSession, "max-session", policy.MaxSession, "no token outlives its login by more than this")
	redisURL := fs.String("redis", "", "`url` of the Redis (redis://host:port/db) that keeps the ended sessions for every instance (default: $REDIS_URL; neither: in this process's memory)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *perClient < 1 || *perClient > maxConns {
		return fmt.Errorf("-max-conns-per-client is %d: it must be from 1 to %d (the cap on all connections)", *perClient, maxConns)
	}
	if !isSet(fs, "renew-before") {
		policy.RenewBefore = policy.TTL / 2
	}
	if err := policy.Validate(); err != nil {
		return err
	}
	origins, err := parseOrigins(*allowOrigin)
	if err != nil {
		return err
	}

	secret, err := loadSecret(lookupEnv, *addr, *dev, stderr)
	if err != nil {
		return err
	}
	tokens := NewTokensWith(secret, time.Now, policy)
	if !isSet(fs, "redis") {
		*redisURL, _ = lookupEnv("REDIS_URL")
	}
	where := "in memory (lost on restart, not shared: set REDIS_URL to share them)"
	if *redisURL != "" {
		store, err := newRedisSessions(*redisURL, time.Now)
		if err != nil {
			return err
		}
		defer store.Close()
		tokens.sessions = store
		where = "in Redis (" + redactURL(*redisURL) + ")"
		if err := store.Ready(); err != nil { // not a reason to stop: it may come up later
			fmt.Fprintf(stderr, "warning: %v; guarded requests and logouts answer 503 until it can be reached (retrying)\n", err)
		}
	}

	apiLn, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	webLn, err := net.Listen("tcp", *webAddr)
	if err != nil {
		apiLn.Close()
		return err
	}
	apiBase, pageURL := baseURL(*addr, apiLn.Addr()), baseURL(*webAddr, webLn.Addr())
	if origins == nil {
		origins = defaultOrigins(pageURL)
	}
	fmt.Fprintf(stdout, "API listening on %s\n", apiBase)
	fmt.Fprintf(stdout, "course page on %s (origins allowed to call the API: %s)\n", pageURL, strings.Join(origins, ", "))
	fmt.Fprintf(stdout, "tokens live %v, are renewed when at most %v is left, and never past %v after login\n",
		policy.TTL, policy.RenewBefore, policy.MaxSession)
	fmt.Fprintf(stdout, "ended sessions are kept %s\n", where)

	// Both servers stop when ctx ends, or when either of them fails.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 2)
	go func() { errc <- serve(ctx, apiLn, NewServer(demoUsers(), tokens, origins...), *perClient); cancel() }()
	go func() { errc <- serve(ctx, webLn, NewWebServer(apiBase, policy), *perClient); cancel() }()
	return errors.Join(<-errc, <-errc)
}

// isSet reports whether the command line set the flag called name.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// demoUsers builds the user store run serves. main_test.go swaps in one
// hashed at bcrypt's lowest cost: a cost-10 login can take 8–10 s under
// -race on a busy machine, past the server's 10 s WriteTimeout.
var demoUsers = DemoUsers

// The limits of every server this program runs.
const (
	// maxConns caps the open connections of each listener, so that the
	// process never runs out of file descriptors (1024 is a common limit;
	// the API and the page listen side by side, 2 × 256 leaves room). At
	// the cap, a new client takes the place of the connection idle the
	// longest, and waits in the kernel's accept queue only while none is
	// idle (conns.go).
	maxConns = 256
	// maxConnsPerClient is -max-conns-per-client's default: the open
	// connections one client address may hold, so that one client cannot
	// take all maxConns. A browser opens at most 6 to a server; 32 leaves
	// room for a few tabs, a few users behind one NAT, and wrk -c32.
	maxConnsPerClient = 32
	// idleTimeout closes a keep-alive connection left idle this long, so
	// that idle clients cannot hold the connections for good.
	idleTimeout = 20 * time.Second
)

// newHTTPServer is the server behind every listener: its timeouts bound
// how long a slow or idle client holds a connection.
func newHTTPServer(handler http.Handler) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second, // a slow client cannot hold a connection open for free
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
}

// serve answers requests on ln, at most maxConns connections at a time and
// perClient of them from one client address (conns.go), until ctx is done,
// then shuts down gracefully: requests in flight get up to five seconds to
// finish.
func serve(ctx context.Context, ln net.Listener, handler http.Handler, perClient int) error {
	limited := newConnLimiter(ln, maxConns, perClient)
	srv := newHTTPServer(handler)
	srv.ConnState = limited.connState
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(limited) }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// redactURL is url without its password, for the log.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "an unparsable URL"
	}
	return u.Redacted()
}
