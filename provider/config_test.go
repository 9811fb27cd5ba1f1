package provider_test

import (
	"context"
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

// Terraform users' ALICLOUD_* variables configure the provider when nothing else does.
func TestConfigFromEnvironment(t *testing.T) { //nolint:paralleltest // sets the environment
	srv, err := emulator.New(emulator.Options{Listen: "127.0.0.1:0", MinScheduleInterval: time.Second})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	t.Setenv("ALICLOUD_REGION", srv.Region())
	t.Setenv("ALICLOUD_ACCESS_KEY", srv.AccessKeyID())
	t.Setenv("ALICLOUD_SECRET_KEY", srv.AccessKeySecret())
	t.Setenv("ALICLOUD_ECS_ENDPOINT", srv.URL())
	s, err := integration.NewServer(context.Background(), provider.Name, semver.MustParse("0.1.0"),
		integration.WithProvider(provider.New()))
	require.NoError(t, err)
	require.NoError(t, s.Configure(p.ConfigureRequest{Args: property.Map{}}))
	h := &harness{t: t, srv: srv, s: s}
	id, _ := h.command("env", "true")
	assert.NotEmpty(t, id)
}

func TestConfigWithoutRegionFailsClearly(t *testing.T) { //nolint:paralleltest // sets the environment
	for _, v := range []string{"ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION"} {
		t.Setenv(v, "")
	}
	s, err := integration.NewServer(context.Background(), provider.Name, semver.MustParse("0.1.0"),
		integration.WithProvider(provider.New()))
	require.NoError(t, err)
	err = s.Configure(p.ConfigureRequest{Args: property.Map{}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cloudassistant:region")
}
