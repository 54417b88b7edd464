package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	todoDue      = "TODO 1 (policy.go): "
	todoValidate = "TODO 3 (policy.go): "
)

func TestPolicyDue(t *testing.T) {
	// Two policies: renewing in the second half of the TTL (the default's
	// shape), and renewing only in the last 3 of 10 seconds, where "at most
	// RenewBefore left" and "at least RenewBefore elapsed" differ.
	half := Policy{TTL: 8 * time.Second, RenewBefore: 4 * time.Second, MaxSession: 14 * time.Second}
	late := Policy{TTL: 10 * time.Second, RenewBefore: 3 * time.Second, MaxSession: time.Minute}
	tests := []struct {
		name   string
		policy Policy
		left   time.Duration // exp - now
		want   bool
	}{
		{"8/4: just issued (8 s left)", half, 8 * time.Second, false},
		{"8/4: 1 s before the window opens (5 s left)", half, 5 * time.Second, false},
		{"8/4: as the window opens (4 s left)", half, 4 * time.Second, true},
		{"8/4: 1 s after the window opens (3 s left)", half, 3 * time.Second, true},
		{"8/4: 1 s left", half, time.Second, true},
		{"10/3: just issued (10 s left)", late, 10 * time.Second, false},
		{"10/3: half the TTL left (5 s)", late, 5 * time.Second, false},
		{"10/3: 4 s left, 6 s elapsed", late, 4 * time.Second, false},
		{"10/3: as the window opens (3 s left)", late, 3 * time.Second, true},
		{"10/3: 1 s left", late, time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exp := fakeNow.Add(tt.policy.TTL) // a token issued at fakeNow
			now := exp.Add(-tt.left)
			assert.Equal(t, tt.want, tt.policy.due(exp, now),
				todoDue+"due with %v left, RenewBefore %v (TTL %v): renew when at most RenewBefore is left", tt.left, tt.policy.RenewBefore, tt.policy.TTL)
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

// TestPolicyValidate changes one valid policy. A refusal is checked by what
// it must say, not by its wording: every flag with a problem is named (as
// on the command line, "-ttl"), and a comparison names both its flags.
func TestPolicyValidate(t *testing.T) {
	ok := Policy{TTL: 8 * time.Second, RenewBefore: 4 * time.Second, MaxSession: 14 * time.Second}
	tests := []struct {
		name      string
		change    func(p *Policy)
		wantFlags []string // the flags the error must name; none for a valid policy
	}{
		{"valid", func(p *Policy) {}, nil},
		{"max-session equal to ttl", func(p *Policy) { p.MaxSession = p.TTL }, nil},
		{"renew-before 1 s", func(p *Policy) { p.RenewBefore = time.Second }, nil},
		{"ttl zero", func(p *Policy) { p.TTL = 0 }, []string{"-ttl"}},
		{"ttl negative", func(p *Policy) { p.TTL = -8 * time.Second }, []string{"-ttl"}},
		{"renew-before zero", func(p *Policy) { p.RenewBefore = 0 }, []string{"-renew-before"}},
		{"renew-before negative", func(p *Policy) { p.RenewBefore = -time.Second }, []string{"-renew-before"}},
		{"max-session zero", func(p *Policy) { p.MaxSession = 0 }, []string{"-max-session"}},
		{"ttl not whole seconds", func(p *Policy) { p.TTL = 8500 * time.Millisecond }, []string{"-ttl"}},
		{"renew-before not whole seconds", func(p *Policy) { p.RenewBefore = 3500 * time.Millisecond }, []string{"-renew-before"}},
		{"max-session not whole seconds", func(p *Policy) { p.MaxSession = 14*time.Second + time.Millisecond }, []string{"-max-session"}},
		{"renew-before equal to ttl (every answer would renew)", func(p *Policy) { p.RenewBefore = p.TTL }, []string{"-renew-before", "-ttl"}},
		{"renew-before over ttl", func(p *Policy) { p.RenewBefore = time.Minute }, []string{"-renew-before", "-ttl"}},
		{"max-session under ttl", func(p *Policy) { p.MaxSession = 7 * time.Second }, []string{"-max-session", "-ttl"}},
		// Two problems: both are reported, so the user fixes them in one go.
		{"two problems: ttl not whole seconds, max-session zero", func(p *Policy) {
			p.TTL, p.MaxSession = 8500*time.Millisecond, 0
		}, []string{"-ttl", "-max-session"}},
		{"two problems: renew-before equal to ttl, max-session under ttl", func(p *Policy) {
			p.RenewBefore, p.MaxSession = p.TTL, 7*time.Second
		}, []string{"-renew-before", "-max-session"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ok
			tt.change(&p)
			err := p.Validate()
			if tt.wantFlags == nil {
				assert.NoError(t, err, todoValidate+"Validate(%+v): a valid policy", p)
				return
			}
			require.Error(t, err, todoValidate+"Validate(%+v) = nil; want an error naming %s", p, strings.Join(tt.wantFlags, " and "))
			for _, flag := range tt.wantFlags {
				assert.True(t, namesFlag(err.Error(), flag),
					todoValidate+"Validate(%+v) = %q; want every problem reported, naming %s", p, err, strings.Join(tt.wantFlags, " and "))
			}
		})
	}
}

// namesFlag reports whether msg names flag as a whole word: "-ttl" is not
// found in "-ttlx".
func namesFlag(msg, flag string) bool {
	for i := 0; ; {
		j := strings.Index(msg[i:], flag)
		if j < 0 {
			return false
		}
		end := i + j + len(flag)
		if end == len(msg) || !isFlagChar(msg[end]) {
			return true
		}
		i = end
	}
}

func isFlagChar(c byte) bool {
	return c == '-' || c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
