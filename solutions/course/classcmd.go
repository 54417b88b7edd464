package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// classOptions are course class's flags and files.
type classOptions struct {
	addr  string        // where to listen; "": defaultClassAddr
	stuck time.Duration // 0: defaultStuck
	state string        // the state file, or ""
	out   string        // write the page to this file and stop
	files []string      // learners' course -json output
	// ready, when set, gets the server's address once it listens (tests).
	ready func(addr string)
}

// class runs the instructor's class view: from files (course -json of
// each learner), from learners who join (watch -class), or both.
func (c *course) class(ctx context.Context, opts classOptions) error {
	cols, err := c.classColumns()
	if err != nil {
		return err
	}
	if opts.stuck == 0 {
		opts.stuck = defaultStuck
	}
	cl := newClass("", cols, opts.stuck, c.now)
	cl.log = c.stderr
	if opts.state != "" {
		if err := cl.loadState(opts.state); err != nil {
			return err
		}
	}
	if cl.code == "" {
		if cl.code, err = newClassCode(); err != nil {
			return err
		}
	}
	if err := cl.readFiles(opts.files); err != nil {
		return err
	}
	if opts.out != "" {
		var b bytes.Buffer
		if err := cl.writeSnapshot(&b); err != nil {
			return err
		}
		if err := os.WriteFile(opts.out, b.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%s: the class, %d learners (open it in a browser)\n", opts.out, len(cl.rows))
		return nil
	}

	addr := or(opts.addr, defaultClassAddr)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           cl.handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	tcp := ln.Addr().(*net.TCPAddr)
	port := strconv.Itoa(tcp.Port)
	fmt.Fprintf(c.stdout, "The class: http://127.0.0.1:%s/ (open it on this machine; it updates itself)\n", port)
	fmt.Fprintf(c.stdout, "Class code: %s\n", cl.code)
	host := "HOST"
	if tcp.IP.IsLoopback() {
		host = "127.0.0.1"
	} else if !tcp.IP.IsUnspecified() {
		host = tcp.IP.String()
	}
	fmt.Fprintf(c.stdout, "Learners join with:\n  %s watch -class http://%s -code %s -name THEIR-NAME\n", cmdName, net.JoinHostPort(host, port), cl.code)
	switch {
	case tcp.IP.IsLoopback():
		fmt.Fprintf(c.stdout, "(listening on this machine only: for learners on other machines, -addr 0.0.0.0:%s, and HOST is this machine's address)\n", port)
	case host == "HOST":
		fmt.Fprintln(c.stdout, "(HOST: this machine's address on the room's network)")
	}
	if opts.state != "" {
		fmt.Fprintf(c.stdout, "State: %s (written after each report, read back at start)\n", opts.state)
	}
	fmt.Fprintln(c.stdout, "Ctrl-C stops.")
	if opts.ready != nil {
		opts.ready(ln.Addr().String())
	}

	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	<-done
	return err
}

// classClient sends a learner's status to the class: what watch -class
// uses after each test run.
type classClient struct {
	url  string // the class's base URL, http://HOST:PORT
	code string
	http *http.Client
}

// newClassClient checks the class's URL.
func newClassClient(base, code, name string) (*classClient, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usagef("-class %q: want the class's URL, http://HOST:PORT", base)
	}
	if code == "" {
		return nil, usagef("-class needs -code, the class code the instructor's course class printed")
	}
	if strings.TrimSpace(name) == "" {
		return nil, usagef("-class needs -name, your name as the class sees it")
	}
	return &classClient{url: strings.TrimSuffix(base, "/"), code: code, http: &http.Client{Timeout: 3 * time.Second}}, nil
}

// send posts a report. An answer other than 200 is an error that says
// what the class answered.
func (cc *classClient) send(ctx context.Context, r Report) error {
	body, err := json.Marshal(r)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cc.url+"/status", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(codeHeader, cc.code)
	resp, err := cc.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return nil
	}
	var e struct {
		Error string `json:"error"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, 4<<10)).Decode(&e) != nil || e.Error == "" {
		e.Error = "no explanation"
	}
	return &classError{status: resp.StatusCode, msg: e.Error}
}

// classError is the class's refusal of a report.
type classError struct {
	status int
	msg    string
}

func (e *classError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.status, http.StatusText(e.status), e.msg)
}

// tellClass sends the status to the class, when watch has one. A class
// that does not answer, or refuses, is said once (and once more when it
// answers again): watch goes on.
func (c *course) tellClass(ctx context.Context, cc *classClient, st *Status) {
	if cc == nil {
		return
	}
	err := cc.send(ctx, st.report())
	if ctx.Err() != nil {
		return
	}
	switch {
	case err != nil && !c.classDown:
		c.classDown = true
		var ce *classError
		why := "does not answer"
		if errors.As(err, &ce) {
			why = "refuses your status"
		}
		fmt.Fprintf(c.stderr, "course: the class at %s %s (%v); watch goes on, and sends your status again after each run\n", cc.url, why, err)
	case err == nil && c.classDown:
		c.classDown = false
		fmt.Fprintf(c.stderr, "course: the class at %s has your status again\n", cc.url)
	}
}
