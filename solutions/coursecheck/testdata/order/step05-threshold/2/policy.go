package main

import "time"

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
	// TODO 3 (policy.go): refuse a policy that cannot work, reporting every
	// problem, each naming its flag (-ttl, -renew-before, -max-session):
	//   - each duration is positive, and whole seconds (JWT times are);
	//   - -renew-before is shorter than -ttl (else every answer renews);
	//   - -max-session is at least -ttl.
	return nil
}

// due reports whether a token that expires at exp is renewed at now: when
// at most RenewBefore is left. (An expired token never gets here: the
// guard refused it.)
func (p Policy) due(exp, now time.Time) bool {
	return exp.Sub(now) <= p.RenewBefore
}
