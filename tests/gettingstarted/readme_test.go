package gettingstarted

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
)

// readmeMaxLines keeps the README a first page (what and why, install, getting started, one
// example per language, links): reference tables and guides live in docs/, the emulator's
// manual in emulator/README.md, development notes in CONTRIBUTING.md.
const readmeMaxLines = 400

// TestReadmeStaysAFirstPage fails when the README grows past a first page, or when it stops
// linking the guides and manuals a newcomer is sent to.
func TestReadmeStaysAFirstPage(t *testing.T) {
	root, err := harness.RepoRoot()
	require.NoError(t, err)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	lines := strings.Count(string(readme), "\n")
	assert.LessOrEqualf(t, lines, readmeMaxLines,
		"README.md has %d lines: move reference or guide material into docs/", lines)
	for _, page := range []string{"docs/_index.md", "docs/installation-configuration.md", "docs/reference.md",
		"docs/components.md", "docs/files.md", "docs/fleets.md", "docs/preview-in-ci.md",
		"docs/interruptions.md", "emulator/README.md", "CONTRIBUTING.md"} {
		assert.Containsf(t, string(readme), "("+page, "README.md links to %s", page)
	}
}

// markdownLink matches the target of an inline Markdown link.
var markdownLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestDocLinksResolve: every relative link in the README, CONTRIBUTING.md, docs/ and the
// emulator's manual names a file of the repository (the docs moved between files; a link left
// behind would send a reader nowhere).
func TestDocLinksResolve(t *testing.T) {
	root, err := harness.RepoRoot()
	require.NoError(t, err)
	pages := []string{"README.md", "CONTRIBUTING.md", "emulator/README.md"}
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	require.NoError(t, err)
	for _, d := range docs {
		rel, err := filepath.Rel(root, d)
		require.NoError(t, err)
		pages = append(pages, rel)
	}
	for _, page := range pages {
		text, err := os.ReadFile(filepath.Join(root, page))
		require.NoError(t, err)
		for _, m := range markdownLink.FindAllStringSubmatch(string(text), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			_, err := os.Stat(filepath.Join(root, filepath.Dir(page), target))
			assert.NoErrorf(t, err, "%s links to %s, which does not exist", page, m[1])
		}
	}
}
