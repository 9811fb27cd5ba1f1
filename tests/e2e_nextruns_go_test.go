package tests

// A deployed rate(…) ScheduledScript lists the fire times the service uses, counted from the
// invocation's creation, so two previews of the unchanged program agree: no diff, the same
// nextRuns.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/sdk/go/cloudassistant"
)

func TestScheduledScriptRateNextRunsStableAcrossPreviewsEndToEnd(t *testing.T) {
	useComponentsEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	target, _ := startInProcessTarget(t, emulator.Options{InstanceCount: 1})
	stack, _ := componentsStack(ctx, t, target, "cloudassistant-e2e-nextruns", nil, func(ctx *pulumi.Context) error {
		s, err := cloudassistant.NewScheduledScript(ctx, "daily", &cloudassistant.ScheduledScriptArgs{
			Script:      pulumi.String("uptime"),
			Schedule:    pulumi.String("rate(1d)"),
			InstanceIds: configInstanceIDs(ctx),
		})
		if err != nil {
			return err
		}
		ctx.Export("nextRuns", s.NextRuns)
		ctx.Export("invokeId", s.InvokeId)
		return nil
	})
	up, err := stack.Up(ctx, optup.ProgressStreams(progressWriter()))
	trackCommands(ctx, t, target, stack)
	require.NoError(t, err)
	invokeID, _ := up.Outputs["invokeId"].Value.(string)
	require.NotEmpty(t, invokeID)

	// The grid the service fires on: one day after the creation, then every day.
	created, err := target.InvocationCreationTime(invokeID)
	require.NoError(t, err)
	want := make([]any, 5)
	for i := range want {
		want[i] = created.Add(time.Duration(i+1) * 24 * time.Hour).UTC().Format(time.RFC3339)
	}
	assert.Equal(t, want, up.Outputs["nextRuns"].Value, "up lists the service's fire times")

	first := previewNextRuns(ctx, t, stack)
	second := previewNextRuns(ctx, t, stack)
	assert.Equal(t, want, first, "preview lists the deployed schedule's fire times")
	assert.Equal(t, first, second, "two previews of an unchanged program agree")
}

// previewNextRuns runs a preview with its diff, requires that it changes nothing, and returns
// the nextRuns the ScheduledScript reported in it.
func previewNextRuns(ctx context.Context, t *testing.T, stack auto.Stack) any {
	t.Helper()
	ch := make(chan events.EngineEvent)
	got := make(chan any, 1)
	go func() {
		var runs any
		for e := range ch {
			if o := e.ResOutputsEvent; o != nil && strings.Contains(o.Metadata.URN, "::cloudassistant:index:ScheduledScript::") &&
				o.Metadata.New != nil {
				runs = o.Metadata.New.Outputs["nextRuns"]
			}
		}
		got <- runs
	}()
	var out strings.Builder
	res, err := stack.Preview(ctx, optpreview.Diff(), optpreview.EventStreams(ch), optpreview.ProgressStreams(&out))
	require.NoError(t, err)
	for op, n := range res.ChangeSummary {
		assert.Equal(t, apitype.OpSame, op, "%d %s in the preview:\n%s", n, op, out.String())
	}
	assert.NotContains(t, out.String(), "nextRuns", "the preview shows no change of nextRuns")
	return <-got
}
