// Package tests holds the Go end-to-end tests: the examples' programs through the real engine
// (the CLI from .tools/, the provider binary from bin/) against a fresh emulator binary, or,
// under `make test-live`, against the service the environment names (e2e_target_go_test.go).
package tests

import (
	"bytes"
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/examples/go/program"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
)

// changedLine is what the test appends to the script to force a replacement.
const changedLine = `echo "second revision"`

func TestGoExampleLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: runs the pulumi engine")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	root, err := harness.RepoRoot()
	require.NoError(t, err)
	require.NoError(t, harness.UseLocalToolchain(root))
	target := startTarget(t, root, []string{"i-e2ego0000000001", "i-e2ego0000000002"})
	instances := target.InstanceIDs
	emu := target.Emulator() // nil when live: the counters are checked only on an emulator

	stack, err := harness.NewStack(ctx, harness.StackOptions{
		Project: "cloudassistant-e2e-go", Stack: "e2e", StateDir: t.TempDir(), Target: target,
	}, program.Program)
	require.NoError(t, err)
	t.Cleanup(func() {
		// A failed step must not leave the stack behind; destroy is idempotent.
		_, _ = stack.Destroy(context.Background())
		_ = stack.Workspace().RemoveStack(context.Background(), stack.Name())
	})
	progress := progressWriter()

	t.Run("up runs the script on every instance", func(t *testing.T) {
		res, err := stack.Up(ctx, optup.ProgressStreams(progress))
		trackCommands(ctx, t, target, stack)
		require.NoError(t, err)
		exitCodes := outputMap(t, res.Outputs, "exitCodes")
		outputs := outputMap(t, res.Outputs, "outputs")
		require.ElementsMatch(t, instances, keys(exitCodes))
		for _, id := range instances {
			assert.EqualValues(t, 0, exitCodes[id], "exit code of %s", id)
			assert.Contains(t, outputs[id], program.DefaultGreeting, "output of %s", id)
		}
		if emu != nil {
			stats, err := emu.Stats()
			require.NoError(t, err)
			assert.EqualValues(t, len(instances), stats.Executions)
		}
	})

	t.Run("preview of a changed script shows both replacements and the new line", func(t *testing.T) {
		require.NoError(t, stack.SetConfig(ctx, "script", auto.ConfigValue{Value: program.DefaultScript + changedLine + "\n"}))
		var out bytes.Buffer
		res, err := stack.Preview(ctx, optpreview.Diff(), optpreview.ProgressStreams(&out, progress))
		require.NoError(t, err)
		assert.Equal(t, 2, res.ChangeSummary[apitype.OpReplace], "replacements in %v", res.ChangeSummary)
		diff := out.String()
		assert.Contains(t, diff, "cloudassistant:index:Command")
		assert.Contains(t, diff, "cloudassistant:index:Invocation")
		assert.Contains(t, diff, "+-", "the diff marks replacements")
		assert.Contains(t, diff, changedLine, "the changed script line appears in plain text")
	})

	t.Run("up again runs the new script", func(t *testing.T) {
		var before harness.Stats
		if emu != nil {
			before, err = emu.Stats()
			require.NoError(t, err)
		}
		res, err := stack.Up(ctx, optup.ProgressStreams(progress))
		trackCommands(ctx, t, target, stack)
		require.NoError(t, err)
		outputs := outputMap(t, res.Outputs, "outputs")
		for _, id := range instances {
			assert.Contains(t, outputs[id], "second revision", "output of %s", id)
		}
		if emu != nil {
			after, err := emu.Stats()
			require.NoError(t, err)
			assert.EqualValues(t, before.Executions+int64(len(instances)), after.Executions)
			assert.EqualValues(t, 2, after.Actions["InvokeCommand"], "one InvokeCommand per up")
		}
	})

	t.Run("refresh finds nothing changed", func(t *testing.T) {
		_, err := stack.Refresh(ctx, optrefresh.ExpectNoChanges(), optrefresh.ProgressStreams(progress))
		require.NoError(t, err)
	})

	t.Run("destroy leaves no commands and no active invocations", func(t *testing.T) {
		_, err := stack.Destroy(ctx, optdestroy.ProgressStreams(progress))
		require.NoError(t, err)
		requireNoCommandsLeft(t, target)
		if emu != nil {
			stats, err := emu.Stats()
			require.NoError(t, err)
			assert.Zero(t, stats.Commands, "commands left in the emulator")
			assert.Zero(t, stats.ActiveInvocations, "active invocations left in the emulator")
		}
	})
}

// outputMap reads a map-valued stack output.
func outputMap(t *testing.T, outs auto.OutputMap, name string) map[string]any {
	t.Helper()
	out, ok := outs[name]
	require.True(t, ok, "stack output %q missing; outputs: %v", name, outs)
	m, ok := out.Value.(map[string]any)
	require.True(t, ok, "stack output %q is %T, not a map", name, out.Value)
	return m
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// testWriter streams the engine's progress to the test log only with -v, where it helps.
func progressWriter() io.Writer {
	if testing.Verbose() {
		return os.Stdout
	}
	return io.Discard
}
