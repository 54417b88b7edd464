package i18n

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGlossary: the root README.zh-CN.md holds the glossary every Chinese
// page follows (issue 23), and it names the course's terms.
func TestGlossary(t *testing.T) {
	root := repoRoot(t)
	neverCache(t)
	data, err := os.ReadFile(filepath.Join(root, "README.zh-CN.md"))
	require.NoError(t, err)
	terms, err := Glossary(NewPage("README.zh-CN.md", string(data)))
	require.NoError(t, err)
	for _, term := range []string{
		"seamless refresh", "single token", "double token (access + refresh)", "access token", "refresh token",
		"renewal, renew", "renewal window", "session cap", "absolute session cap", "guard", "interceptor",
		"bearer token", "claim", "CORS", "preflight", "exposed header", "revocation, revoke", "denylist",
		"allowlist", "rotation", "reuse detection", "single-flight",
	} {
		assert.NotEmpty(t, terms[term], "the glossary has no row for %q", term)
	}
	assert.Equal(t, "无感刷新", terms["seamless refresh"], "the chapter's own word")
	assert.Equal(t, "续期", terms["renewal, renew"], "the chapter's own word")
}

func TestGlossaryRows(t *testing.T) {
	page := NewPage("x.md", lines("# x", "", GlossaryHeading, "", "| English | 中文 | 说明 |", "|---|---|---|",
		"| guard | 守卫（guard） | |", "| claim | claim | 不译 |", "", "## next", "| a | b |"))
	terms, err := Glossary(page)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"guard": "守卫（guard）", "claim": "claim"}, terms)

	_, err = Glossary(NewPage("x.md", lines(GlossaryHeading, "| English | 中文 |", "|---|---|", "| guard | 守卫 |", "| guard | 卫士 |")))
	assert.ErrorContains(t, err, `"guard" is in the glossary twice`)
	_, err = Glossary(NewPage("x.md", "# x\n"))
	assert.Error(t, err)
}
