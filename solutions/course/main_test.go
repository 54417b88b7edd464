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

	var stdout, stderr bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-h"}, &stdout, &stderr), "-h is no error")
	assert.Contains(t, stdout.String(), "usage: go run ./solutions/course")
	assert.Empty(t, stderr.String())
}
