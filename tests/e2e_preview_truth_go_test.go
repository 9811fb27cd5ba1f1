package tests

// Preview tells the truth: what `up` would fail on, when the values are known at preview (an
// instance that does not exist, a `{{name}}` without a value, a schedule that never fires
// again), fails the preview with the property path and the value, before anything exists.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/sdk/go/cloudassistant"
)

// previewTruthProgram registers one case, chosen by the config key "case", on the
// configured instances plus a made-up one where the case asks for it.
func previewTruthProgram(ctx *pulumi.Context) error {
	ids := configInstanceIDs(ctx)
	withGhost := append(pulumi.StringArray{}, ids...)
	withGhost = append(withGhost, pulumi.String(ghostInstance))
	switch config.New(ctx, "").Require("case") {
	case "invocation":
		cmd, err := cloudassistant.NewCommand(ctx, "cmd", &cloudassistant.CommandArgs{
			Type: cloudassistant.CommandTypeRunShellScript, CommandContent: pulumi.String("echo hi"),
		})
		if err != nil {
			return err
		}
		_, err = cloudassistant.NewInvocation(ctx, "run", &cloudassistant.InvocationArgs{
			CommandId: cmd.CommandId, InstanceIds: withGhost,
		})
		return err
	case "instance":
		_, err := cloudassistant.NewRunScript(ctx, "setup", &cloudassistant.RunScriptArgs{
			Script: pulumi.String("echo hi"), InstanceIds: withGhost,
		})
		return err
	case "parameter":
		_, err := cloudassistant.NewRunScript(ctx, "setup", &cloudassistant.RunScriptArgs{
			Script:      pulumi.String("echo {{greeting}} {{name}}"),
			Parameters:  pulumi.StringMap{"greeting": pulumi.String("hello")},
			InstanceIds: ids,
		})
		return err
	case "schedule":
		_, err := cloudassistant.NewScheduledScript(ctx, "nightly", &cloudassistant.ScheduledScriptArgs{
			Script: pulumi.String("echo hi"), Schedule: pulumi.String("0 0 2 1 1 ? 2020"), InstanceIds: ids,
		})
		return err
	}
	return nil
}

const ghostInstance = "i-e2enosuchinstance1"

func TestPreviewFailsBeforeAnythingIsCreatedEndToEnd(t *testing.T) {
	skipLive(t, "reads the emulator's counters")
	useComponentsEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	target, emu := startInProcessTarget(t, emulator.Options{InstanceCount: 1})
	stack, _ := componentsStack(ctx, t, target, "cloudassistant-e2e-preview-truth",
		map[string]string{"case": "instance"}, previewTruthProgram)

	cases := []struct {
		name, typ, resource, want string
		up                        bool // also run `up` (no separate preview): still nothing is created
	}{
		{"invocation", "Invocation", "run", `instanceIds[1]: is "` + ghostInstance + `", which is no instance in region`, false},
		{"instance", "RunScript", "setup", `instanceIds[1]: is "` + ghostInstance + `", which is no instance in region`, true},
		{"parameter", "RunScript", "setup", "parameters: the script uses {{name}} but parameters give no value for it; " +
			"add name to parameters", true},
		{"schedule", "ScheduledScript", "nightly", `frequency: is "0 0 2 1 1 ? 2020", which never fires after now`, false},
	}
	for _, c := range cases {
		require.NoError(t, stack.SetConfig(ctx, "case", auto.ConfigValue{Value: c.name}))
		var out strings.Builder
		_, err := stack.Preview(ctx, optpreview.ProgressStreams(&out))
		require.Error(t, err, c.name)
		got := componentError(t, out.String(), c.typ, c.resource)
		assert.True(t, strings.HasPrefix(got, c.want), "%s: the preview names the path and the value: %s", c.name, got)
		if c.up {
			out.Reset()
			_, err = stack.Up(ctx, optup.ProgressStreams(&out))
			require.Error(t, err, c.name)
			got = componentError(t, out.String(), c.typ, c.resource)
			assert.True(t, strings.HasPrefix(got, c.want), "%s: up fails the same way: %s", c.name, got)
		}
		st := emu.Stats()
		assert.Zero(t, st.Commands, "%s: no command was created", c.name)
		assert.Zero(t, st.Invocations, "%s: no invocation was created", c.name)
		assert.Zero(t, st.Actions["CreateCommand"]+st.Actions["InvokeCommand"], "%s", c.name)
	}
}
