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

// componentNoise is what a component's error must not show instead of (or before) its cause:
// the same list the TypeScript, Python and YAML suites check.
var componentNoise = []string{"awaiting input property", "marshaling properties", "rpc error", "code = Canceled",
	"client connection is closing", "context canceled", "resource monitor shut down", "1 error occurred",
	"{RunShelScript}", "Traceback"}

// componentError is what `pulumi up` (or preview) prints for the component, from its cause on;
// none of componentNoise may be in it, nor anywhere in the output except `1 error occurred`,
// which the engine itself writes before a failed child Invocation's own error (its
// plugin.InitError joins a partial failure's reasons with go-multierror).
func componentError(t *testing.T, out, typ, name string) string {
	t.Helper()
	for _, noise := range componentNoise {
		if noise != "1 error occurred" {
			assert.NotContains(t, out, noise)
		}
	}
	// The engine's line for a failed Construct or check, or the component's own error
	// diagnostic (a child's failure: provider/component_causes.go), whichever comes last (the
	// Diagnostics section, after the progress lines).
	i, got := -1, ""
	for _, prefix := range []string{"cloudassistant:index:" + typ + " resource '" + name + "' has a problem: ",
		"cloudassistant:index:" + typ + " (" + name + "):\n    error: "} {
		if j := strings.LastIndex(out, prefix); j > i {
			i, got = j, out[j+len(prefix):]
		}
	}
	require.GreaterOrEqual(t, i, 0, "no error for the component in:\n%s", out)
	cause := got
	for _, end := range []string{"\n\n", "\n  cloudassistant:", "\n  pulumi:", "\nResources:", "\n    error:"} {
		cause, _, _ = strings.Cut(cause, end)
	}
	for _, noise := range componentNoise {
		assert.NotContains(t, cause, noise)
	}
	return got
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
