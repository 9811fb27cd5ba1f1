package tests

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
)

// TestPreviewWorkflowUsesOIDCAndThePublishedPlugin: the preview job holds no AccessKey and
// builds no provider; it feeds the provider's assumeRoleWithOidc path the SDKs' variables
// (the path the engine test TestEngineAssumeRoleWithOIDCFromATokenFile runs).
func TestPreviewWorkflowUsesOIDCAndThePublishedPlugin(t *testing.T) {
	t.Parallel()
	root, err := harness.RepoRoot()
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(root, ".github", "workflows", "preview.yml"))
	require.NoError(t, err)
	wf := string(b)
	for _, want := range []string{"id-token: write", "ALIBABA_CLOUD_ROLE_ARN:", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN:", "ALIBABA_CLOUD_OIDC_TOKEN_FILE:", "policy-readonly.json"} {
		assert.Contains(t, wf, want)
	}
	for _, banned := range []string{"ACCESS_KEY", "make build", "GITHUB_PATH"} {
		assert.NotContains(t, wf, banned)
	}
}
