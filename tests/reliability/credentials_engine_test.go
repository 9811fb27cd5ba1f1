package reliability

// Issue 22 through the real engine: every role-based credential path of the provider's
// configuration runs a whole `up` against the emulator's STS and metadata service.

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
)

// credentialStack is a one-Invocation stack against emu whose provider config is edited by
// set (object settings go by path: assumeRole.roleArn); drop removes the AccessKey settings.
func credentialStack(ctx context.Context, t *testing.T, emu *emulator.Server, script string, dropAccessKey bool, set map[string]auto.ConfigValue, env map[string]string) (auto.Stack, string) {
	t.Helper()
	stack, stateDir := newStack(ctx, t, emu, rig.Spec{Script: script, Invocations: 1, Instances: emu.InstanceIDs()})
	if dropAccessKey {
		for _, k := range []string{"cloudassistant:accessKeyId", "cloudassistant:accessKeySecret"} {
			require.NoError(t, stack.RemoveConfig(ctx, k))
		}
	}
	for k, v := range set {
		require.NoError(t, stack.SetConfigWithOptions(ctx, k, v, &auto.ConfigOptions{Path: true}))
	}
	if len(env) > 0 {
		require.NoError(t, stack.Workspace().SetEnvVars(env))
	}
	return stack, stateDir
}

// requireNotStored fails when secret appears in any file of the stack's state and backups.
func requireNotStored(t *testing.T, stateDir, secret string) {
	t.Helper()
	for _, f := range stateFiles(t, stateDir) {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NotContains(t, string(b), secret, "in %s", f)
	}
}

func requireUpSucceeded(ctx context.Context, t *testing.T, stack auto.Stack) {
	t.Helper()
	res, err := stack.Up(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Success", stringMap(t, res.Outputs, "statuses")["inv-000"])
}

// TestEngineAssumeRoleOverAnAccessKey: `up` with assumeRole on top of an AccessKey, and a wrong
// role ARN fails the preview naming assumeRole.roleArn, before anything is created.
func TestEngineAssumeRoleOverAnAccessKey(t *testing.T) {
	useEngine(t)
	t.Parallel()
	ctx := context.Background()
	emu := startEmulator(t, emulator.Options{})
	stack, stateDir := credentialStack(ctx, t, emu, "echo as-role", false, map[string]auto.ConfigValue{
		"cloudassistant:assumeRole.roleArn":     {Value: emu.RoleArn(emulator.DefaultRoleName)},
		"cloudassistant:assumeRole.sessionName": {Value: "engine-test"},
		"cloudassistant:stsEndpoint":            {Value: emu.URL()},
	}, nil)
	requireUpSucceeded(ctx, t, stack)
	assert.GreaterOrEqual(t, emu.Stats().Actions["AssumeRole"], int64(1))
	requireNotStored(t, stateDir, emu.AccessKeySecret())

	wrong, _ := credentialStack(ctx, t, emu, "echo never", false, map[string]auto.ConfigValue{
		"cloudassistant:assumeRole.roleArn": {Value: emu.RoleArn("not-a-role")},
		"cloudassistant:stsEndpoint":        {Value: emu.URL()},
	}, nil)
	before := emu.Stats().Actions["CreateCommand"]
	_, err := wrong.Preview(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "assumeRole.roleArn")
	assert.Contains(t, err.Error(), "EntityNotExist.Role")
	assert.NotContains(t, err.Error(), emu.AccessKeySecret())
	assert.Equal(t, before, emu.Stats().Actions["CreateCommand"], "nothing created")
}

// TestEngineAssumeRoleWithOIDCFromATokenFile: no AccessKey anywhere; the SDKs' environment
// variables name the role, the provider and the token file, as a CI job exports them.
func TestEngineAssumeRoleWithOIDCFromATokenFile(t *testing.T) {
	useEngine(t)
	t.Parallel()
	ctx := context.Background()
	emu := startEmulator(t, emulator.Options{})
	file := filepath.Join(t.TempDir(), "oidc-token")
	token := emu.OIDCToken("repo:org/app:pull_request", time.Hour)
	require.NoError(t, os.WriteFile(file, []byte(token), 0o600))
	stack, stateDir := credentialStack(ctx, t, emu, "echo as-oidc", true, map[string]auto.ConfigValue{
		"cloudassistant:stsEndpoint": {Value: emu.URL()},
	}, map[string]string{
		"ALIBABA_CLOUD_ROLE_ARN":          emu.RoleArn(emulator.DefaultRoleName),
		"ALIBABA_CLOUD_OIDC_PROVIDER_ARN": emu.OIDCProviderArn(),
		"ALIBABA_CLOUD_OIDC_TOKEN_FILE":   file,
	})
	requireUpSucceeded(ctx, t, stack)
	assert.GreaterOrEqual(t, emu.Stats().Actions["AssumeRoleWithOIDC"], int64(1))
	requireNotStored(t, stateDir, token)
}

// TestEngineECSRoleNameFromTheMetadataService: ecsRoleName through the SDK's own ECS RAM role
// provider, which reaches the emulator's metadata service through HTTP_PROXY.
func TestEngineECSRoleNameFromTheMetadataService(t *testing.T) {
	useEngine(t)
	t.Parallel()
	ctx := context.Background()
	emu := startEmulator(t, emulator.Options{})
	stack, _ := credentialStack(ctx, t, emu, "echo as-instance-role", true, map[string]auto.ConfigValue{
		"cloudassistant:ecsRoleName": {Value: emulator.DefaultRoleName},
	}, map[string]string{"HTTP_PROXY": emu.URL(), "NO_PROXY": ""})
	requireUpSucceeded(ctx, t, stack)

	// A role the instance does not have fails the preview naming the setting.
	wrong, _ := credentialStack(ctx, t, emu, "echo never", true, map[string]auto.ConfigValue{
		"cloudassistant:ecsRoleName": {Value: "not-attached"},
	}, map[string]string{"HTTP_PROXY": emu.URL(), "NO_PROXY": ""})
	_, err := wrong.Preview(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ecsRoleName")
}

// TestEngineWaitOutlivesTemporaryCredentials: sessions last 3 s; the Invocation's script runs
// for 8 s, and the provider renews the role's credentials while it waits.
func TestEngineWaitOutlivesTemporaryCredentials(t *testing.T) {
	useEngine(t)
	t.Parallel()
	ctx := context.Background()
	emu := startEmulator(t, emulator.Options{CredentialLifetime: 3 * time.Second})
	stack, _ := credentialStack(ctx, t, emu, "sleep 8; echo done", false, map[string]auto.ConfigValue{
		"cloudassistant:assumeRole.roleArn": {Value: emu.RoleArn(emulator.DefaultRoleName)},
		"cloudassistant:stsEndpoint":        {Value: emu.URL()},
	}, nil)
	requireUpSucceeded(ctx, t, stack)
	assert.GreaterOrEqual(t, emu.Stats().Actions["AssumeRole"], int64(3), "sessions renewed during the wait")
}
