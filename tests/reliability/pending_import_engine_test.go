package reliability

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
)

// The Pulumi CLI's own way out of a pending create, `pulumi refresh --import-pending-creates
// <urn> <id>`, imports nothing (Pulumi 3.256 to 3.276 at least): the refresh turns the pending
// create into a pending import, and the engine keeps only pending creates from the last
// state, so the import is dropped without the provider ever being asked. The resource is then
// neither pending nor in the state. What keeps the rollout exactly-once is the next `up`:
// its create adopts the batches the dead CLI started. This test pins both halves, so a CLI
// that starts importing here fails it and docs/interruptions.md (which tells users to use
// `pulumi import` instead) is revisited.
func TestEngineRefreshImportPendingCreateIsDropped(t *testing.T) {
	ctx, emu, s, out := rolloutKilledWithTheCLI(t)
	ids := emu.InstanceIDs()
	urn := pendingCreate(t, s.pendingOperations(ctx), "cloudassistant:index:Invocation::run")
	batches := invokeIDs(t, emu)
	require.Greater(t, len(batches), 1, "a multi-batch rollout was interrupted")

	before := emu.Stats().Actions
	// The flag takes the URN and the ID as two values, each after a flag of its own.
	refresh, err := s.run(ctx, "refresh", "--import-pending-creates", urn, "--import-pending-creates", batches[0],
		"--yes", "--skip-preview")
	require.NoError(t, err, "pulumi refresh --import-pending-creates:\n%s", refresh)
	after := emu.Stats().Actions
	version, _ := exec.CommandContext(ctx, "pulumi", "version").Output()
	t.Logf("pulumi %s refresh --import-pending-creates %s --import-pending-creates %s:\n%s",
		strings.TrimSpace(string(version)), urn, batches[0], refresh)
	// What the CLI does: the pending create is gone, and nothing took its place.
	assert.Empty(t, s.pendingOperations(ctx), "the refresh resolved the pending create:\n%s", refresh)
	assert.NotContains(t, s.resourceURNs(ctx), urn, "the refresh imported the Invocation: "+
		"--import-pending-creates works now; tell users so in docs/interruptions.md:\n%s", refresh)
	for _, action := range []string{"DescribeInvocations", "DescribeInvocationResults", "ListTagResources"} {
		assert.Equal(t, before[action], after[action], "the refresh asked the service (%s) about the invocation", action)
	}

	// What saves the rollout: the next up adopts the started batches and runs the rest once.
	next, err := s.run(ctx, "up", "--yes", "--skip-preview")
	require.NoError(t, err, "the up after the refresh:\n%s", next)
	assert.Contains(t, next, "started by an interrupted update", "the up adopted the batches the dead CLI started")
	s.requireNothingLeft(ctx, next)
	requireOncePerInstance(t, emu.StatsPerInstance().ExecutionsByInstance, ids, "ran", out.String()+next)
}

// rolloutKilledWithTheCLI starts `pulumi up` of one Invocation on 100 instances (25 at a time),
// kills the CLI with -9 after 30 runs and types `pulumi cancel`, as a user would: the state then
// holds the dead CLI's pending create and its lock is gone.
func rolloutKilledWithTheCLI(t *testing.T) (context.Context, *emulator.Server, *cliStack, *syncBuffer) {
	t.Helper()
	useEngine(t)
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	emu := startEmulator(t, emulator.Options{InstanceCount: 100})
	s := newCLIStack(t, emu, emu.URL(), rolloutProgram("echo ran >> ran.log; sleep 1", emu.InstanceIDs(), `      maxConcurrency: "25"`))
	out := &syncBuffer{}
	up := s.startUp(ctx, out)
	require.Eventually(t, func() bool { return emu.Stats().Executions >= 30 }, 3*time.Minute, 5*time.Millisecond,
		"the rollout did not reach 30 runs:\n%s", out.String())
	interrupt(t, up, killCLI)
	time.Sleep(time.Second) // the orphaned plugin's last call, cancelled with the CLI, settles
	text, err := s.run(ctx, "cancel", "--yes")
	require.NoError(t, err, "pulumi cancel:\n%s", text)
	return ctx, emu, s, out
}

// pendingCreate returns the URN of the pending create in ops whose URN ends with suffix.
func pendingCreate(t *testing.T, ops []string, suffix string) string {
	t.Helper()
	for _, op := range ops {
		if urn, ok := strings.CutPrefix(op, "creating "); ok && strings.HasSuffix(urn, suffix) {
			return urn
		}
	}
	require.Failf(t, "no pending create", "of a URN ending %q among %q", suffix, ops)
	return ""
}

// TestEngineUpKeepsPendingCreate: after kill -9 of the CLI, `pulumi cancel` and `pulumi up`
// alone run the rollout to the end exactly once (the up adopts), but the CLI keeps the dead
// CLI's pending create in the state and warns about it on every later up: it carries pending
// creates over until a refresh resolves them (Pulumi 3.256 to 3.276 at least; no flag of
// `up` does). `pulumi refresh --clear-pending-creates` is that third step; after it nothing
// is pending and nothing changes. README and docs/interruptions.md list the three commands.
func TestEngineUpKeepsPendingCreate(t *testing.T) {
	ctx, emu, s, out := rolloutKilledWithTheCLI(t)
	ids := emu.InstanceIDs()
	next, err := s.run(ctx, "up", "--yes", "--skip-preview")
	require.NoError(t, err, "the up after pulumi cancel:\n%s", next)
	assert.Contains(t, next, "started by an interrupted update", "the up adopted the batches the dead CLI started")
	requireOncePerInstance(t, emu.StatsPerInstance().ExecutionsByInstance, ids, "ran", out.String()+next)
	urn := pendingCreate(t, s.pendingOperations(ctx), "cloudassistant:index:Invocation::run")
	assert.Contains(t, s.resourceURNs(ctx), urn, "the up recorded the Invocation")
	again, err := s.run(ctx, "up", "--yes", "--skip-preview")
	require.NoError(t, err, "a later up:\n%s", again)
	assert.Contains(t, again, "pending operations from previous deployment", "a later up warns about the pending create")

	text, err := s.run(ctx, "refresh", "--clear-pending-creates", "--yes", "--skip-preview")
	require.NoError(t, err, "pulumi refresh --clear-pending-creates:\n%s", text)
	assert.Empty(t, s.pendingOperations(ctx))
	assert.Contains(t, s.resourceURNs(ctx), urn, "clearing the pending create kept the recorded Invocation")
	preview, err := s.run(ctx, "preview", "--expect-no-changes")
	require.NoError(t, err, "preview after the refresh:\n%s", preview)
	requireOncePerInstance(t, emu.StatsPerInstance().ExecutionsByInstance, ids, "ran", next+again)
}
