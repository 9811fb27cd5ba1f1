package tests

// End-to-end tests of the component library through the real engine: RunScript and
// ScheduledScript from the generated Go SDK, the functions read in the same program, and the
// agent wait failing with the instances named. The provider is built from this tree into a
// temporary directory; the emulator runs in-process so tests can choose its instances (live,
// the environment's service: see e2e_target_go_test.go).

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	components "github.com/cloudassistant/pulumi-cloudassistant/examples/components/go/program"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
	"github.com/cloudassistant/pulumi-cloudassistant/sdk/go/cloudassistant"
)

// useComponentsEngine skips in -short mode, else builds the provider from this tree into the
// test's temporary directory (removed with it) and puts it and the CLI first on PATH for the
// test's duration. The build is cached by Go, so a second test only relinks.
func useComponentsEngine(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: runs the pulumi engine")
	}
	root, err := harness.RepoRoot()
	require.NoError(t, err)
	cli := filepath.Join(root, ".tools")
	_, err = os.Stat(filepath.Join(cli, "pulumi"))
	require.NoError(t, err, ".tools/pulumi is missing: run `make tools` first")
	dir := t.TempDir()
	_, err = rig.BuildProvider(root, dir)
	require.NoError(t, err)
	t.Setenv("PATH", dir+string(os.PathListSeparator)+cli+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// componentsStack makes a stack of program against target, destroyed and removed at the end;
// it also returns the directory of the local backend, where the state file lives.
func componentsStack(ctx context.Context, t *testing.T, target *harness.Target, project string,
	cfg map[string]string, program pulumi.RunFunc,
) (auto.Stack, string) {
	t.Helper()
	stateDir := t.TempDir()
	stack, err := harness.NewStack(ctx, harness.StackOptions{
		Project: project, Stack: "e2e", StateDir: stateDir, Target: target, Config: cfg,
	}, program)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = stack.Destroy(context.Background())
		_ = stack.Workspace().RemoveStack(context.Background(), stack.Name())
	})
	return stack, stateDir
}

// configInstanceIDs is the instance ids the harness puts in the stack's config
// ("instanceIds": the target's instances).
func configInstanceIDs(ctx *pulumi.Context) pulumi.StringArray {
	var ids []string
	config.New(ctx, "").RequireObject("instanceIds", &ids)
	return pulumi.ToStringArray(ids)
}

// stateFiles returns the text of every stack state file under a local backend directory.
func stateFiles(t *testing.T, stateDir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(filepath.Join(stateDir, ".pulumi", "stacks"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		b.Write(data)
		return err
	})
	require.NoError(t, err)
	require.NotZero(t, b.Len(), "no state file under %s", stateDir)
	return b.String()
}

func TestComponentsExampleEndToEnd(t *testing.T) {
	useComponentsEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	target, emu := startInProcessTarget(t, emulator.Options{InstanceCount: 2})
	ids := target.InstanceIDs
	stack, stateDir := componentsStack(ctx, t, target, "cloudassistant-e2e-components",
		map[string]string{"name": "e2e"}, components.Program)

	// Preview already knows when the schedule fires.
	var preview strings.Builder
	_, err := stack.Preview(ctx, optpreview.ProgressStreams(&preview))
	require.NoError(t, err)
	assert.Contains(t, preview.String(), "T03:00:00+08:00", "nextRuns is known at preview")
	if emu != nil {
		assert.Zero(t, emu.Stats().Actions["InvokeCommand"], "preview runs nothing")
	}

	res, err := stack.Up(ctx, optup.ProgressStreams(progressWriter()))
	require.Len(t, trackCommands(ctx, t, target, stack), 2, "RunScript's and ScheduledScript's commands")
	require.NoError(t, err)
	out := res.Outputs

	assert.Equal(t, "Success", out["status"].Value)
	require.Contains(t, out, "outputs")
	assert.True(t, out["outputs"].Secret, "outputs echo a secret parameter, so they are secret")
	outputs := outputMap(t, out, "outputs")
	require.ElementsMatch(t, ids, keys(outputs))
	for _, id := range ids {
		assert.Equal(t, "hello e2e from "+id+"\n", outputs[id])
	}

	// The functions, read in the same program, agree with the component.
	assert.Equal(t, "Success", out["invocationStatus"].Value, "getInvocation")
	assert.Equal(t, components.Script, out["script"].Value, "getCommand decodes the script")
	assert.Equal(t, []any{"name"}, out["parameterNames"].Value, "getCommand")
	assert.Equal(t, true, out["agentsOnline"].Value, "getAgentStatus")

	// The schedule is active and its next runs are listed at 03:00 Shanghai time.
	runs, ok := out["nextRuns"].Value.([]any)
	require.True(t, ok, "nextRuns is %T", out["nextRuns"].Value)
	require.Len(t, runs, 5)
	for _, r := range runs {
		assert.True(t, strings.HasSuffix(r.(string), "T03:00:00+08:00"), "%v", r)
	}
	if emu != nil {
		assert.Equal(t, 1, emu.Stats().ActiveInvocations, "the schedule is the one active invocation")
	}

	// The children are in the state, under their components, and the output is not in clear.
	state := stateFiles(t, stateDir)
	for _, urn := range []string{
		"cloudassistant:index:RunScript$cloudassistant:index:Command::hello",
		"cloudassistant:index:RunScript$cloudassistant:index:Invocation::hello",
		"cloudassistant:index:ScheduledScript$cloudassistant:index:Command::nightly-report",
		"cloudassistant:index:ScheduledScript$cloudassistant:index:Invocation::nightly-report",
	} {
		assert.Contains(t, state, urn)
	}
	assert.False(t, strings.Contains(state, "hello e2e from"), "output echoing a secret landed in state in plain text")

	// A second up with nothing changed runs nothing again (live: nothing to update or replace).
	var before int64
	if emu != nil {
		before = emu.Stats().Executions
	}
	again, err := stack.Up(ctx, optup.ProgressStreams(progressWriter()))
	require.NoError(t, err)
	require.NotNil(t, again.Summary.ResourceChanges)
	changes := *again.Summary.ResourceChanges
	assert.Zero(t, changes["update"]+changes["replace"], "no change, nothing updated or replaced: %v", changes)
	if emu != nil {
		assert.Equal(t, before, emu.Stats().Executions, "no change, no run")
	}

	_, err = stack.Destroy(ctx, optdestroy.ProgressStreams(progressWriter()))
	require.NoError(t, err)
	requireNoCommandsLeft(t, target)
	if emu != nil {
		stats := emu.Stats()
		assert.Zero(t, stats.Commands, "destroy removes both commands")
		assert.Zero(t, stats.ActiveInvocations, "destroy stops the schedule")
	}
}

func TestRunScriptAgentWaitEndToEnd(t *testing.T) {
	skipLive(t, "needs an instance without the Cloud Assistant agent")
	useComponentsEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	no := false
	target, emu := startInProcessTarget(t, emulator.Options{Instances: []emulator.Instance{
		{ID: "i-e2eready0000001"}, {ID: "i-e2enoagent00001", AgentInstalled: &no},
	}})
	stack, _ := componentsStack(ctx, t, target, "cloudassistant-e2e-agentwait", nil, func(ctx *pulumi.Context) error {
		_, err := cloudassistant.NewRunScript(ctx, "fresh", &cloudassistant.RunScriptArgs{
			Script:       pulumi.String("echo hi"),
			InstanceIds:  configInstanceIDs(ctx),
			AgentTimeout: pulumi.Int(3),
		})
		return err
	})

	var stdout strings.Builder
	_, err := stack.Up(ctx, optup.ProgressStreams(&stdout))
	require.Error(t, err)
	text := err.Error() + stdout.String()
	assert.Contains(t, text, "did not come online within 3s on 1 of 2 instances")
	assert.Contains(t, text, "i-e2enoagent00001: agent not installed")
	assert.Zero(t, emu.Stats().Actions["InvokeCommand"], "nothing runs before every agent is online")
}
