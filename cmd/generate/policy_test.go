package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// policyActions reads the actions a committed policy file allows.
func policyActions(t *testing.T, path string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc struct {
		Statement []struct {
			Effect string
			Action []string
		}
	}
	require.NoError(t, json.Unmarshal(b, &doc))
	out := map[string]bool{}
	for _, st := range doc.Statement {
		require.Equal(t, "Allow", st.Effect)
		for _, a := range st.Action {
			out[a] = true
		}
	}
	return out
}

// TestPolicyCoversEveryCall fails when the provider's code builds a request for an ECS action
// that the committed policy lacks (run `go run ./cmd/generate`), and when the read-only half
// allows a write.
func TestPolicyCoversEveryCall(t *testing.T) {
	t.Parallel()
	root := sourceRoot()
	called, err := calledActions(root)
	require.NoError(t, err)
	// The scan sees the in-place update calls the hand-written lists used to miss.
	for _, a := range []string{"ecs:ModifyCommand", "ecs:TagResources", "ecs:UntagResources", "ecs:JoinResourceGroup", "ecs:InvokeCommand", "ecs:DescribeCommands"} {
		assert.Contains(t, called, a, "the scan must find %s", a)
	}
	full := policyActions(t, filepath.Join(root, policyFile))
	readOnly := policyActions(t, filepath.Join(root, policyReadOnlyFile))
	for action, files := range called {
		assert.True(t, full[action], "%s is called in %v but docs/policy.json lacks it: run go run ./cmd/generate", action, files)
	}
	for action := range readOnly {
		assert.True(t, full[action], "%s is in the read-only half only", action)
		assert.Contains(t, []string{"Describe", "List", "Get"}, leadingVerb(action), "%s in the read-only policy changes the cloud", action)
	}
}

func leadingVerb(action string) string {
	for _, v := range []string{"Describe", "List", "Get"} {
		if len(action) > 4+len(v) && action[4:4+len(v)] == v {
			return v
		}
	}
	return action
}

// TestPolicyIsCurrent regenerates the policy files and the install docs' section and compares
// them with the committed ones.
func TestPolicyIsCurrent(t *testing.T) {
	t.Parallel()
	root := sourceRoot()
	scratch := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(scratch, "docs"), 0o755))
	doc, err := os.ReadFile(filepath.Join(root, installDoc))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(scratch, installDoc), doc, 0o644))
	require.NoError(t, writePolicy(scratch))
	for _, rel := range []string{policyFile, policyReadOnlyFile, installDoc} {
		want, err := os.ReadFile(filepath.Join(scratch, rel))
		require.NoError(t, err)
		have, err := os.ReadFile(filepath.Join(root, rel))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(have), "%s is stale: run go run ./cmd/generate", rel)
	}
}
