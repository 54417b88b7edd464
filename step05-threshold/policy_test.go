package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

const (
	todoDue      = "TODO 1 (policy.go): "
	todoValidate = "TODO 3 (policy.go): "
)

func TestPolicyDue(t *testing.T) {
	p := Policy{TTL: 8 * time.Second, RenewBefore: 4 * time.Second, MaxSession: 14 * time.Second}
	exp := fakeNow.Add(8 * time.Second) // a token issued at fakeNow
	tests := []struct {
		name string
		now  time.Time
		want bool
	}{
		{"just issued", fakeNow, false},
		{"1 s before the window opens (5 s left)", exp.Add(-5 * time.Second), false},
		{"as the window opens (4 s left)", exp.Add(-4 * time.Second), true},
		{"1 s after the window opens (3 s left)", exp.Add(-3 * time.Second), true},
		{"1 s left", exp.Add(-time.Second), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, p.due(exp, tt.now), todoDue+"renew when at most RenewBefore is left: exp - now <= RenewBefore")
		})
	}
}

func TestDefaultPolicy(t *testing.T) {
	p := DefaultPolicy()
	assert.Equal(t, 7*day, p.TTL, "the chapter's 7 days")
	assert.Equal(t, p.TTL/2, p.RenewBefore, "the second half of the TTL, as ASP.NET Core's sliding cookies")
	assert.Equal(t, 30*day, p.MaxSession)
	assert.NoError(t, p.Validate(), todoValidate+"the default policy is valid")
}

func TestPolicyValidate(t *testing.T) {
	ok := Policy{TTL: 8 * time.Second, RenewBefore: 4 * time.Second, MaxSession: 14 * time.Second}
	tests := []struct {
		name    string
		change  func(p *Policy)
		wantErr string // a part of the message; "" for a valid policy
	}{
		{"valid", func(p *Policy) {}, ""},
		{"max-session equal to ttl", func(p *Policy) { p.MaxSession = p.TTL }, ""},
		{"ttl zero", func(p *Policy) { p.TTL = 0 }, "-ttl is 0s: it must be positive"},
		{"renew-before negative", func(p *Policy) { p.RenewBefore = -time.Second }, "-renew-before is -1s: it must be positive"},
		{"max-session zero", func(p *Policy) { p.MaxSession = 0 }, "-max-session is 0s: it must be positive"},
		{"renew-before equal to ttl", func(p *Policy) { p.RenewBefore = p.TTL }, "-renew-before (8s) must be shorter than -ttl (8s)"},
		{"renew-before over ttl", func(p *Policy) { p.RenewBefore = time.Minute }, "must be shorter than -ttl"},
		{"max-session under ttl", func(p *Policy) { p.MaxSession = 7 * time.Second }, "-max-session (7s) must be at least -ttl (8s)"},
		{"fraction of a second", func(p *Policy) { p.TTL = 8500 * time.Millisecond }, "-ttl is 8.5s: it must be whole seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ok
			tt.change(&p)
			err := p.Validate()
			if tt.wantErr == "" {
				assert.NoError(t, err, todoValidate+"%+v is a valid policy", p)
				return
			}
			if assert.Error(t, err, todoValidate+"refuse %+v", p) {
				assert.Contains(t, err.Error(), tt.wantErr, todoValidate+"say what is wrong")
			}
		})
	}
}
