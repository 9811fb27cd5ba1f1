package provider_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/provider"
)

// roleHarness configures a provider with cfg against srv; the error is Configure's.
func roleHarness(t *testing.T, srv *emulator.Server, cfg map[string]property.Value) (*harness, error) {
	t.Helper()
	s, err := integration.NewServer(context.Background(), provider.Name, semver.MustParse("0.1.0"),
		integration.WithProvider(provider.New()))
	require.NoError(t, err)
	base := map[string]property.Value{"region": str(srv.Region()), "endpoint": str(srv.URL()), "stsEndpoint": str(srv.URL())}
	for k, v := range cfg {
		base[k] = v
	}
	return &harness{t: t, srv: srv, s: s}, s.Configure(p.ConfigureRequest{Args: property.NewMap(base)})
}

func startEmulator(t *testing.T, opts emulator.Options) *emulator.Server {
	t.Helper()
	opts.Listen = "127.0.0.1:0"
	srv, err := emulator.New(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

func assumeRoleConfig(srv *emulator.Server, arn string) map[string]property.Value {
	return map[string]property.Value{
		"accessKeyId":     str(srv.AccessKeyID()),
		"accessKeySecret": property.New(srv.AccessKeySecret()).WithSecret(true),
		"assumeRole":      property.New(props("roleArn", str(arn), "sessionName", str("unit"))),
	}
}

// TestAssumeRoleOverAnAccessKey: the provider works with the role's temporary credentials,
// and a wrong role ARN fails Configure naming the setting, without any secret.
func TestAssumeRoleOverAnAccessKey(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{})
	h, err := roleHarness(t, srv, assumeRoleConfig(srv, srv.RoleArn(emulator.DefaultRoleName)))
	require.NoError(t, err)
	id, _ := h.command("as-role", "echo hi")
	assert.NotEmpty(t, id)
	assert.EqualValues(t, 1, srv.Stats().Actions["AssumeRole"])

	_, err = roleHarness(t, srv, assumeRoleConfig(srv, srv.RoleArn("nobody")))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "assumeRole.roleArn")
	assert.Contains(t, err.Error(), "EntityNotExist.Role")
	assert.NotContains(t, err.Error(), srv.AccessKeySecret())
}

// TestAssumeRoleWithOIDCFromATokenFile: no AccessKey at all; a bad token names its setting.
func TestAssumeRoleWithOIDCFromATokenFile(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{})
	file := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(file, []byte(srv.OIDCToken("ci", time.Hour)), 0o600))
	oidc := func(tokenFile string) map[string]property.Value {
		return map[string]property.Value{"assumeRoleWithOidc": property.New(props("roleArn", str(srv.RoleArn(emulator.DefaultRoleName)),
			"oidcProviderArn", str(srv.OIDCProviderArn()), "oidcTokenFile", str(tokenFile)))}
	}
	h, err := roleHarness(t, srv, oidc(file))
	require.NoError(t, err)
	id, _ := h.command("as-oidc", "echo hi")
	assert.NotEmpty(t, id)

	expired := filepath.Join(t.TempDir(), "expired")
	token := srv.OIDCToken("ci", -time.Minute)
	require.NoError(t, os.WriteFile(expired, []byte(token), 0o600))
	_, err = roleHarness(t, srv, oidc(expired))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "assumeRoleWithOidc.oidcTokenFile")
	assert.Contains(t, err.Error(), "AuthenticationFail.OIDCToken.Expired")
	assert.NotContains(t, err.Error(), token)
}

// TestTemporaryCredentialsRefreshDuringAWait: an Invocation whose script outlives three
// sessions of the role still finishes: the provider takes new credentials before each expires.
func TestTemporaryCredentialsRefreshDuringAWait(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{CredentialLifetime: 3 * time.Second})
	h, err := roleHarness(t, srv, assumeRoleConfig(srv, srv.RoleArn(emulator.DefaultRoleName)))
	require.NoError(t, err)
	cmdID, _ := h.command("slow", "sleep 8; echo done")
	resp, err := h.tryInvoke("slow", h.invokeInputs(cmdID), 120)
	require.NoError(t, err)
	assert.Equal(t, "Success", resp.Properties.Get("status").AsString())
	assert.GreaterOrEqual(t, srv.Stats().Actions["AssumeRole"], int64(3), "sessions renewed during the wait")
}
