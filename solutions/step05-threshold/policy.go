package main

import (
	"errors"
	"fmt"
	"time"
)

// Policy is when tokens expire and when they are renewed.
type Policy struct {
	TTL         time.Duration // how long a token lives: -ttl
	RenewBefore time.Duration // renew a token with at most this left: -renew-before
	MaxSession  time.Duration // no token outlives its login by more: -max-session
}

// DefaultPolicy is the chapter's 7 days, renewed in their second half (the
// rule of ASP.NET Core's sliding cookies), for at most 30 days per login.
func DefaultPolicy() Policy {
	const day = 24 * time.Hour
	return Policy{TTL: 7 * day, RenewBefore: 7 * day / 2, MaxSession: 30 * day}
}

// Validate refuses a policy that cannot work, with a message that says why.
func (p Policy) Validate() error {
	var errs []error
	for _, d := range []struct {
		flag  string
		value time.Duration
	}{{"-ttl", p.TTL}, {"-renew-before", p.RenewBefore}, {"-max-session", p.MaxSession}} {
		switch {
		case d.value <= 0:
			errs = append(errs, fmt.Errorf("%s is %v: it must be positive", d.flag, d.value))
		case d.value%time.Second != 0:
			errs = append(errs, fmt.Errorf("%s is %v: it must be whole seconds (JWT times are)", d.flag, d.value))
		}
	}
	if p.TTL > 0 && p.RenewBefore >= p.TTL {
		errs = append(errs, fmt.Errorf("-renew-before (%v) must be shorter than -ttl (%v): else every answer renews", p.RenewBefore, p.TTL))
	}
	if p.TTL > 0 && p.MaxSession < p.TTL {
		errs = append(errs, fmt.Errorf("-max-session (%v) must be at least -ttl (%v): the first token would outlive the session", p.MaxSession, p.TTL))
	}
	return errors.Join(errs...)
}

// due reports whether a token that expires at exp is renewed at now: when
// at most RenewBefore is left. (An expired token never gets here: the
// guard refused it.)
func (p Policy) due(exp, now time.Time) bool {
	return exp.Sub(now) <= p.RenewBefore
}
