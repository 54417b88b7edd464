package main

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunUsage(t *testing.T) {
	tests := []struct {
		args  []string
		usage bool // a usage error (exit status 2)
	}{
		{[]string{"bogus"}, true},
		{[]string{"-json", "watch"}, true},
		{[]string{"-yes", "status"}, true},
		{[]string{"-nope"}, true},
		{[]string{"status", "x"}, true},
		{[]string{"reset"}, true},
		{[]string{"hint", "step02", "x"}, true},
		{[]string{"hint", "step09"}, true},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), tt.args, &stdout, &stderr)
		var ue usageError
		assert.Equal(t, tt.usage, err != nil && errors.As(err, &ue), "%q: %v", tt.args, err)
	}

	// Issue 18: a usage error is one line, what is wrong and where the usage is.
	for _, args := range [][]string{{"hint", "step09", "1"}, {"reset"}, {"-json", "hint"}} {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), args, &stdout, &stderr)
		require.Error(t, err, "%q", args)
		line := usageLine(err)
		assert.NotContains(t, line, "\n", "%q: one line", args)
		assert.Contains(t, line, "go run ./solutions/course -h shows the usage", "%q", args)
		assert.NotContains(t, line, "Commands:", "%q: not the whole help", args)
	}

	var stdout, stderr bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-h"}, &stdout, &stderr), "-h is no error")
	assert.Contains(t, stdout.String(), "usage: go run ./solutions/course")
	assert.Empty(t, stderr.String())
}
