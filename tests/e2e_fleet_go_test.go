package tests

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
	"github.com/cloudassistant/pulumi-cloudassistant/sdk/go/cloudassistant"
)

// The fleet's instances: 0–259 for the rollout, 260–319 for the canary that fails, and
// 320–329 tagged role=web for tag targeting.
func fleetInstances() []emulator.Instance {
	out := make([]emulator.Instance, 330)
	for i := range out {
		out[i] = emulator.Instance{ID: fmt.Sprintf("i-fleet%05d", i), Name: fmt.Sprintf("node-%d", i)}
		if i >= 320 {
			out[i].Tags = map[string]string{"role": "web"}
		}
	}
	return out
}

func fleetIDs(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("i-fleet%05d", i))
	}
	return out
}

// fleetProgram runs one command on config `fleetSize` instances with maxConcurrency "20";
// then, on the instances getInstances finds by tag, a second Invocation by targetTags; and
// with config `canary` true, a rollout with maxErrors "0" whose first batch fails.
func fleetProgram(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	size := cfg.RequireInt("fleetSize")
	cmd, err := cloudassistant.NewCommand(ctx, "fleet", &cloudassistant.CommandArgs{
		Type:            cloudassistant.CommandTypeRunShellScript,
		CommandContent:  pulumi.String("case {{ACS::InstanceId}} in i-fleet0026[0-4]) exit 3;; esac; sleep 0.1; echo ok"),
		EnableParameter: pulumi.Bool(true),
	})
	if err != nil {
		return err
	}
	fleet, err := cloudassistant.NewInvocation(ctx, "fleet", &cloudassistant.InvocationArgs{
		CommandId:      cmd.CommandId,
		InstanceIds:    pulumi.ToStringArray(fleetIDs(0, size)),
		MaxConcurrency: pulumi.String("20"),
	})
	if err != nil {
		return err
	}
	web := cloudassistant.GetInstancesOutput(ctx, cloudassistant.GetInstancesOutputArgs{
		Tags: pulumi.StringMap{"role": pulumi.String("web")},
	})
	tagged, err := cloudassistant.NewInvocation(ctx, "tagged", &cloudassistant.InvocationArgs{
		CommandId:  cmd.CommandId,
		TargetTags: pulumi.StringMap{"role": pulumi.String("web")},
	}, pulumi.DependsOn([]pulumi.Resource{fleet})) // after the fleet, so the peak is the fleet's
	if err != nil {
		return err
	}
	if cfg.GetBool("canary") {
		if _, err := cloudassistant.NewInvocation(ctx, "canary", &cloudassistant.InvocationArgs{
			CommandId:      cmd.CommandId,
			InstanceIds:    pulumi.ToStringArray(fleetIDs(260, 320)),
			MaxConcurrency: pulumi.String("5"),
			MaxErrors:      pulumi.String("0"),
		}, pulumi.DependsOn([]pulumi.Resource{tagged})); err != nil {
			return err
		}
	}
	ctx.Export("invokeId", fleet.InvokeId)
	ctx.Export("invokeIds", fleet.InvokeIds)
	ctx.Export("summary", fleet.Summary)
	ctx.Export("webIds", web.InstanceIds())
	ctx.Export("taggedTargets", tagged.TargetInstanceIds)
	return nil
}

func TestFleetRollout(t *testing.T) {
	skipLive(t, "330 emulated instances with tags, a canary that fails by instance id, per-instance counters")
	if testing.Short() {
		t.Skip("end-to-end: runs the pulumi engine")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	root, err := harness.RepoRoot()
	require.NoError(t, err)
	require.NoError(t, harness.UseLocalToolchain(root))
	emu, err := harness.StartEmulatorWith(root, fleetInstances())
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, emu.Stop()) })
	stack, err := harness.NewStack(ctx, harness.StackOptions{
		Project: "cloudassistant-e2e-fleet", Stack: "e2e", StateDir: t.TempDir(), Emulator: emu,
		Config: map[string]string{"fleetSize": "250"},
	}, fleetProgram)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = stack.Destroy(context.Background())
		_ = stack.Workspace().RemoveStack(context.Background(), stack.Name())
	})
	progress := progressWriter()
	executions := func(t *testing.T) map[string]int64 {
		st, err := emu.StatsPerInstance()
		require.NoError(t, err)
		return st.ExecutionsByInstance
	}

	var firstInvokeID string
	t.Run("250 instances run exactly once each, at most 20 at a time; targetTags and getInstances agree", func(t *testing.T) {
		res, err := stack.Up(ctx, optup.ProgressStreams(progress))
		require.NoError(t, err)
		runs := executions(t)
		for _, id := range fleetIDs(0, 250) {
			assert.EqualValues(t, 1, runs[id], id)
		}
		for _, id := range fleetIDs(250, 320) {
			assert.Zero(t, runs[id], id)
		}
		web := fleetIDs(320, 330)
		for _, id := range web {
			assert.EqualValues(t, 1, runs[id], "tagged %s", id)
		}
		assert.ElementsMatch(t, web, res.Outputs["webIds"].Value)
		assert.ElementsMatch(t, web, res.Outputs["taggedTargets"].Value)
		st, err := emu.Stats()
		require.NoError(t, err)
		assert.LessOrEqual(t, st.PeakRunning, 20, "maxConcurrency 20")
		assert.Greater(t, st.PeakRunning, 0)
		firstInvokeID = res.Outputs["invokeId"].Value.(string)
		assert.Equal(t, 250.0, res.Outputs["summary"].Value.(map[string]any)["Success"])
		assert.GreaterOrEqual(t, len(res.Outputs["invokeIds"].Value.([]any)), 13, "250 instances, 20 at a time")
	})

	t.Run("adding 10 ids is an update that runs only on those 10", func(t *testing.T) {
		require.NoError(t, stack.SetConfig(ctx, "fleetSize", auto.ConfigValue{Value: "260"}))
		pre, err := stack.Preview(ctx, optpreview.ProgressStreams(progress))
		require.NoError(t, err)
		assert.Equal(t, 1, pre.ChangeSummary[apitype.OpUpdate], "%v", pre.ChangeSummary)
		assert.Zero(t, pre.ChangeSummary[apitype.OpReplace], "%v", pre.ChangeSummary)
		res, err := stack.Up(ctx, optup.ProgressStreams(progress))
		require.NoError(t, err)
		runs := executions(t)
		for _, id := range fleetIDs(0, 260) {
			assert.EqualValues(t, 1, runs[id], id)
		}
		assert.Equal(t, firstInvokeID, res.Outputs["invokeId"].Value, "the resource keeps its id")
		assert.Equal(t, 260.0, res.Outputs["summary"].Value.(map[string]any)["Success"])
	})

	t.Run("maxErrors 0 with failures in the first batch leaves later batches unstarted and says so", func(t *testing.T) {
		require.NoError(t, stack.SetConfig(ctx, "canary", auto.ConfigValue{Value: "true"}))
		_, err := stack.Up(ctx, optup.ProgressStreams(progress))
		require.Error(t, err)
		assert.Contains(t, err.Error(), `more than maxErrors "0" allows`)
		assert.Contains(t, err.Error(), "55 instances never started")
		runs := executions(t)
		for _, id := range fleetIDs(260, 320) {
			if id < "i-fleet00265" {
				assert.EqualValues(t, 1, runs[id], "%s: the canary's first batch ran", id)
			} else {
				assert.Zero(t, runs[id], "%s: never started", id)
			}
		}
		assert.True(t, strings.Contains(err.Error(), "i-fleet00265"), "names the never-started instances")
	})
}
