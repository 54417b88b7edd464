// Command step02-guard serves login, a public route and a route behind a
// guard that checks Authorization: Bearer <token>.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
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
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *perClient < 1 || *perClient > maxConns {
		return fmt.Errorf("-max-conns-per-client is %d: it must be from 1 to %d (the cap on all connections)", *perClient, maxConns)
	}

	secret, err := loadSecret(lookupEnv, *addr, *dev, stderr)
	if err != nil {
		return err
	}
	tokens := NewTokens(secret, time.Now)
	handler := NewServer(demoUsers(), tokens)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "API listening on http://%s\n", ln.Addr())
	return serve(ctx, ln, handler, *perClient)
}

// demoUsers builds the user store run serves. main_test.go swaps in one
// hashed at bcrypt's lowest cost: a cost-10 login can take 8–10 s under
// -race on a busy machine, past the server's 10 s WriteTimeout.
var demoUsers = DemoUsers

// The limits of every server this program runs.
const (
	// maxConns caps the open connections of the listener, so that the
	// process never runs out of file descriptors (1024 is a common limit;
	// 256 leaves room for everything else the process opens). At the cap, a
	// new client takes the place of the connection idle the longest, and
	// waits in the kernel's accept queue only while none is idle (conns.go).
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
