// Package install tests the provider the way a user installs it: from its release archive into
// a fresh PULUMI_HOME (`pulumi plugin install resource cloudassistant <version> --file …`), with
// no provider binary on PATH, then up / preview / destroy of the Go example through the engine.
package install

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/examples/go/program"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/clirig"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
)

func TestPluginInstalledFromReleaseArchive(t *testing.T) {
	archive := clirig.PluginArchive(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	root, err := harness.RepoRoot()
	require.NoError(t, err)

	cli := clirig.New(t, root)
	cli.InstallPlugin(t, archive)
	_, err = os.Stat(filepath.Join(cli.Home, "plugins", "resource-cloudassistant-v"+clirig.PluginVersion))
	require.NoError(t, err, "the plugin's directory in the fresh PULUMI_HOME")
	// The Automation API finds the CLI on this process's PATH: the one without bin/.
	t.Setenv("PATH", cli.Env()["PATH"])

	target, err := harness.StartTarget(root, []string{"i-install000000001", "i-install000000002"})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, target.Close()) })
	instances := target.InstanceIDs

	stack, err := auto.UpsertStackInlineSource(ctx, "install", "cloudassistant-e2e-install", program.Program,
		auto.EnvVars(cli.Env()))
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = stack.Destroy(context.Background())
		_ = stack.Workspace().RemoveStack(context.Background(), stack.Name())
	})
	cfg := auto.ConfigMap{
		"cloudassistant:accessKeySecret": {Value: target.AccessKeySecret, Secret: true},
		"instanceIds":                    {Value: `["` + strings.Join(instances, `","`) + `"]`},
	}
	for k, v := range target.ProviderConfig() {
		cfg[k] = auto.ConfigValue{Value: v}
	}
	require.NoError(t, stack.SetAllConfig(ctx, cfg))
	var commandID string

	var log bytes.Buffer
	streams := io.MultiWriter(&log, progress())

	t.Run("up uses the installed plugin", func(t *testing.T) {
		res, err := stack.Up(ctx, optup.ProgressStreams(streams), optup.ErrorProgressStreams(streams))
		require.NoError(t, err)
		commandID, _ = res.Outputs["commandId"].Value.(string)
		require.NotEmpty(t, commandID, "commandId output: %v", res.Outputs)
		target.TrackCommand(commandID)
		codes, ok := res.Outputs["exitCodes"].Value.(map[string]any)
		require.True(t, ok, "exitCodes output: %v", res.Outputs)
		for _, id := range instances {
			assert.EqualValues(t, 0, codes[id], "exit code of %s", id)
		}
		assert.NotContains(t, log.String(), clirig.AmbientWarning, "the engine ran a provider from PATH")
	})

	t.Run("preview shows no changes", func(t *testing.T) {
		_, err := stack.Preview(ctx, optpreview.ExpectNoChanges(), optpreview.Diff(),
			optpreview.ProgressStreams(streams), optpreview.ErrorProgressStreams(streams))
		require.NoError(t, err)
	})

	t.Run("destroy deletes what up created", func(t *testing.T) {
		_, err := stack.Destroy(ctx, optdestroy.ProgressStreams(streams), optdestroy.ErrorProgressStreams(streams))
		require.NoError(t, err)
		clirig.RequireNothingLeft(t, target, commandID)
	})

	assert.NotContains(t, log.String(), clirig.AmbientWarning, "the engine ran a provider from PATH")
}

func progress() io.Writer {
	if testing.Verbose() {
		return os.Stdout
	}
	return io.Discard
}
