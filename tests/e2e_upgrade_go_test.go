package tests

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
	"github.com/cloudassistant/pulumi-cloudassistant/sdk/go/cloudassistant"
)

// TestProviderUpgradeKeepsResources guards against a provider upgrade replacing every resource.
// The default provider's URN carries its version (default_0_1_0 → default_0_2_0), so on an
// upgrade the engine asks the new provider's DiffConfig whether the old configuration needs a
// replacement; if it says yes, every Command and Invocation is replaced and every script runs
// again. Here the stack is created with a provider stamped 0.1.0, then previewed and updated
// with one stamped 0.2.0 (first on PATH: the engine uses it as an ambient plugin).
func TestProviderUpgradeKeepsResources(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: runs the pulumi engine")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	root, err := harness.RepoRoot()
	require.NoError(t, err)
	require.NoError(t, harness.UseLocalToolchain(root))
	basePath := os.Getenv("PATH")
	binV1 := buildProviderVersion(t, root, "0.1.0")
	binV2 := buildProviderVersion(t, root, "0.2.0")

	target := startTarget(t, root, []string{"i-e2eupg000000001", "i-e2eupg000000002"})
	instances := target.InstanceIDs
	emu := target.Emulator() // nil when live: the counters are checked only on an emulator

	// The resources ask for the plugin version the program's SDK would: the current one.
	version := "0.1.0"
	program := func(ctx *pulumi.Context) error {
		cmd, err := cloudassistant.NewCommand(ctx, "upgrade", &cloudassistant.CommandArgs{
			Type:           cloudassistant.CommandTypeRunShellScript,
			CommandContent: pulumi.String("#!/bin/bash\necho upgraded\n"),
			Timeout:        pulumi.Int(60),
		}, pulumi.Version(version))
		if err != nil {
			return err
		}
		_, err = cloudassistant.NewInvocation(ctx, "upgrade", &cloudassistant.InvocationArgs{
			CommandId:   cmd.CommandId,
			InstanceIds: pulumi.ToStringArray(instances),
		}, pulumi.Version(version))
		return err
	}

	t.Setenv("PATH", binV1+string(os.PathListSeparator)+basePath)
	stack, err := harness.NewStack(ctx, harness.StackOptions{
		Project: "cloudassistant-e2e-upgrade", Stack: "upgrade", StateDir: t.TempDir(), Target: target,
	}, program)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = stack.Destroy(context.Background())
		_ = stack.Workspace().RemoveStack(context.Background(), stack.Name())
	})
	progress := progressWriter()

	_, err = stack.Up(ctx, optup.ProgressStreams(progress))
	commandsBefore := trackCommands(ctx, t, target, stack)
	require.NoError(t, err)
	var before harness.Stats
	if emu != nil {
		before, err = emu.Stats()
		require.NoError(t, err)
		require.EqualValues(t, len(instances), before.Executions)
	}

	version = "0.2.0"
	t.Setenv("PATH", binV2+string(os.PathListSeparator)+basePath)

	events := make(chan events.EngineEvent)
	steps := collectSteps(events)
	res, err := stack.Preview(ctx, optpreview.Diff(), optpreview.EventStreams(events),
		optpreview.ProgressStreams(progress))
	require.NoError(t, err)
	ops := <-steps
	providerOps := map[string]apitype.OpType{}
	for urn, op := range ops {
		if i := strings.Index(urn, "pulumi:providers:"); i >= 0 {
			providerOps[urn[i:]] = op
		}
	}
	// Default providers are named after the plugin's version and download URL.
	const downloadURL = "_github_/api.github.com/cloudassistant/pulumi-cloudassistant"
	require.Equal(t, map[string]apitype.OpType{
		"pulumi:providers:cloudassistant::default_0_1_0" + downloadURL: apitype.OpDelete,
		"pulumi:providers:cloudassistant::default_0_2_0" + downloadURL: apitype.OpCreate,
	}, providerOps, "the upgrade should move to a new default provider; steps: %v", ops)
	for urn, op := range ops {
		if strings.Contains(urn, "pulumi:providers:") {
			continue
		}
		assert.Contains(t, []apitype.OpType{apitype.OpSame, apitype.OpUpdate}, op,
			"%s must not be replaced by a provider upgrade", urn)
	}
	assert.Zero(t, res.ChangeSummary[apitype.OpReplace], "replacements in %v", res.ChangeSummary)

	_, err = stack.Up(ctx, optup.ProgressStreams(progress))
	require.NoError(t, err)
	assert.Equal(t, commandsBefore, trackCommands(ctx, t, target, stack), "an upgrade must keep the command")
	if emu != nil {
		after, err := emu.Stats()
		require.NoError(t, err)
		assert.Equal(t, before.Executions, after.Executions, "an upgrade must not run the script again")
		assert.Equal(t, before.Actions["InvokeCommand"], after.Actions["InvokeCommand"])
		assert.Equal(t, before.Actions["CreateCommand"], after.Actions["CreateCommand"])
	}

	_, err = stack.Destroy(ctx, optdestroy.ProgressStreams(progress))
	require.NoError(t, err)
	requireNoCommandsLeft(t, target)
}

// buildProviderVersion builds the provider stamped with version into its own directory, as a
// release of that version would be installed, and returns the directory.
func buildProviderVersion(t *testing.T, root, version string) string {
	t.Helper()
	dir := t.TempDir()
	build := exec.Command("go", "build",
		"-ldflags", "-X github.com/cloudassistant/pulumi-cloudassistant/provider.Version="+version,
		"-o", filepath.Join(dir, "pulumi-resource-cloudassistant"),
		"./provider/cmd/pulumi-resource-cloudassistant")
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, "building the provider %s: %s", version, out)
	return dir
}

// collectSteps reads an event stream to its end and answers each resource's step operation.
func collectSteps(ch <-chan events.EngineEvent) <-chan map[string]apitype.OpType {
	done := make(chan map[string]apitype.OpType, 1)
	go func() {
		ops := map[string]apitype.OpType{}
		for e := range ch {
			if e.ResourcePreEvent != nil {
				ops[e.ResourcePreEvent.Metadata.URN] = e.ResourcePreEvent.Metadata.Op
			}
		}
		done <- ops
	}()
	return done
}
