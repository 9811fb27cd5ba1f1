package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGeneratedCodeIsCurrent regenerates everything into a temporary directory and compares it
// byte for byte with the committed schema.json and sdk/: a provider change without
// `make generate` fails here, naming each file that would change.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	repoRoot, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	fresh := t.TempDir()
	require.NoError(t, Generate(context.Background(), fresh))

	want, err := existingFiles(fresh)
	require.NoError(t, err)
	have, err := existingFiles(repoRoot)
	require.NoError(t, err)

	var drift []string
	for rel := range want {
		if !have[rel] {
			drift = append(drift, rel+" (missing)")
			continue
		}
		a, err := os.ReadFile(filepath.Join(fresh, rel))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(repoRoot, rel))
		require.NoError(t, err)
		if !bytes.Equal(a, b) {
			drift = append(drift, rel+" (differs)")
		}
	}
	for rel := range have {
		if !want[rel] {
			drift = append(drift, rel+" (stale: no longer generated)")
		}
	}
	sort.Strings(drift)
	if len(drift) > 0 {
		t.Fatalf("generated code is out of date; run `make generate` and commit. Files:\n  %s",
			strings.Join(drift, "\n  "))
	}
}

// TestReferenceIsCurrent checks docs/reference.md's generated tables against the schema.
func TestReferenceIsCurrent(t *testing.T) {
	spec, err := Schema(context.Background())
	require.NoError(t, err)
	page, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(referencePage)))
	require.NoError(t, err)
	want, ok := replaceSection(string(page), referenceMarkdown(spec))
	require.True(t, ok, "%s lacks the generated reference markers", referencePage)
	require.True(t, want == string(page), "%s's reference tables are out of date; run `make generate`", referencePage)
}

// TestGenerateIsDeterministic guards the drift test itself: two runs must agree exactly.
func TestGenerateIsDeterministic(t *testing.T) {
	spec, err := Schema(context.Background())
	require.NoError(t, err)
	a, err := Files(spec)
	require.NoError(t, err)
	spec, err = Schema(context.Background())
	require.NoError(t, err)
	b, err := Files(spec)
	require.NoError(t, err)
	require.Equal(t, len(a), len(b))
	for name, data := range a {
		require.Truef(t, bytes.Equal(data, b[name]), "%s differs between two runs", name)
	}
}

// TestPulumiPinsMatchGoMod: every hand-written manifest that names the Pulumi SDK version
// names go.mod's, and go.mod pins the SDK and the engine (pkg, the CLI's source) alike.
func TestPulumiPinsMatchGoMod(t *testing.T) {
	version := pulumiSDKVersion()
	bi, ok := debug.ReadBuildInfo()
	require.True(t, ok)
	for _, d := range bi.Deps {
		if d.Path == "github.com/pulumi/pulumi/pkg/v3" {
			require.Equal(t, "v"+version, d.Version, "go.mod must pin pulumi/pkg/v3 and pulumi/sdk/v3 to one version")
		}
	}
	for _, c := range pinnedCopies {
		data, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(c.path)))
		require.NoError(t, err)
		want, found := c.pinned(data, version)
		require.True(t, found, "%s names no Pulumi SDK version", c.path)
		require.True(t, bytes.Equal(want, data), "%s pins another Pulumi version than go.mod (%s); run `make generate`",
			c.path, version)
	}
}
