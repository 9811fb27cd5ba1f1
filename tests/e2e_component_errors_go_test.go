package tests

// A failing component's error, as `pulumi up` prints it, leads with the cause: the same text
// the child resource gives, without the noise of a Construct whose children were cancelled
// (`awaiting input property …`, `grpc: the client connection is closing`, `context canceled`).

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/sdk/go/cloudassistant"
)

// componentNoise is what a component's error must not show instead of (or before) its cause.
var componentNoise = []string{"awaiting input property", "client connection is closing", "context canceled",
	"marshaling properties", "resource monitor shut down"}

// componentError is the line `pulumi up` (or preview) prints for the component, from its cause
// on; it also checks that none of componentNoise is anywhere in that output.
func componentError(t *testing.T, out, typ, name string) string {
	t.Helper()
	for _, noise := range componentNoise {
		assert.NotContains(t, out, noise)
	}
	prefix := "cloudassistant:index:" + typ + " resource '" + name + "' has a problem: "
	i := strings.Index(out, prefix)
	require.GreaterOrEqual(t, i, 0, "no error for the component in:\n%s", out)
	return out[i+len(prefix):]
}

func TestRunScriptFailureLeadsWithTheCauseEndToEnd(t *testing.T) {
	useComponentsEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	target, _ := startInProcessTarget(t, emulator.Options{InstanceCount: 1})
	id := target.InstanceIDs[0] // live: the first instance only, so the error's first line is known
	cfg := map[string]string{"instanceIds": `["` + id + `"]`}
	stack, _ := componentsStack(ctx, t, target, "cloudassistant-e2e-comperr", cfg, func(ctx *pulumi.Context) error {
		_, err := cloudassistant.NewRunScript(ctx, "boom", &cloudassistant.RunScriptArgs{
			Script:        pulumi.String("echo about to fail; exit 3"),
			InstanceIds:   configInstanceIDs(ctx),
			FailurePolicy: cloudassistant.FailurePolicyFailIfAny,
		})
		return err
	})
	var stdout strings.Builder
	_, err := stack.Up(ctx, optup.ProgressStreams(&stdout))
	trackCommands(ctx, t, target, stack)
	require.Error(t, err)
	text := stdout.String()
	got := componentError(t, text, "RunScript", "boom")
	assert.True(t, strings.HasPrefix(got, id+": Failed, exit code 3, error ExitCodeNonzero"),
		"the component's error starts with the instance's status and exit code: %s", got)
	assert.Contains(t, text, "| about to fail", "the output's last lines follow")
}

func TestScheduledScriptAgentWaitFailureLeadsWithTheCauseEndToEnd(t *testing.T) {
	skipLive(t, "needs an instance without the Cloud Assistant agent")
	useComponentsEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	no := false
	target, emu := startInProcessTarget(t, emulator.Options{Instances: []emulator.Instance{
		{ID: "i-e2enoagent00002", AgentInstalled: &no},
	}})
	stack, _ := componentsStack(ctx, t, target, "cloudassistant-e2e-comperr-agent", nil, func(ctx *pulumi.Context) error {
		_, err := cloudassistant.NewScheduledScript(ctx, "nightly", &cloudassistant.ScheduledScriptArgs{
			Script:       pulumi.String("echo hi"),
			Schedule:     pulumi.String("rate(5m)"),
			InstanceIds:  configInstanceIDs(ctx),
			AgentTimeout: pulumi.Int(1),
		})
		return err
	})
	var stdout strings.Builder
	_, err := stack.Up(ctx, optup.ProgressStreams(&stdout))
	require.Error(t, err)
	text := stdout.String()
	got := componentError(t, text, "ScheduledScript", "nightly")
	assert.True(t, strings.HasPrefix(got, "the Cloud Assistant agent did not come online within 1s on 1 of 1 instance:"),
		"the agent wait's error reads as the README documents it: %s", got)
	assert.Contains(t, got, "i-e2enoagent00002: agent not installed")
	assert.Zero(t, emu.Stats().Actions["InvokeCommand"], "nothing is scheduled before every agent is online")
}

// A child whose inputs fail its Check (here a past at(…)) fails the preview; the component's
// error is the child's check message, with its property path.
func TestScheduledScriptCheckFailureLeadsWithTheCauseEndToEnd(t *testing.T) {
	useComponentsEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	target, _ := startInProcessTarget(t, emulator.Options{InstanceCount: 1})
	stack, _ := componentsStack(ctx, t, target, "cloudassistant-e2e-comperr-check", nil, func(ctx *pulumi.Context) error {
		_, err := cloudassistant.NewScheduledScript(ctx, "once", &cloudassistant.ScheduledScriptArgs{
			Script:      pulumi.String("echo hi"),
			Schedule:    pulumi.String("at(2020-01-01 00:00:00 UTC)"),
			InstanceIds: configInstanceIDs(ctx),
		})
		return err
	})
	var stdout strings.Builder
	_, err := stack.Preview(ctx, optpreview.ProgressStreams(&stdout))
	require.Error(t, err)
	text := stdout.String()
	got := componentError(t, text, "ScheduledScript", "once")
	assert.True(t, strings.HasPrefix(got, "frequency: is 2020-01-01T00:00:00Z, which is in the past"),
		"the component's error is the child's check message: %s", got)
}
