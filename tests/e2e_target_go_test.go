package tests

// Where the engine e2e tests run: a fresh emulator by default, or the service the environment
// names under `make test-live` (CLOUDASSISTANT_LIVE=1, see harness.Target). Facts only an
// emulator can give (execution counters, instances without an agent, files on an instance's
// disk) are checked when there is one; live, the tests check what the ECS API shows instead.

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
)

// startTarget starts the emulator binary with instanceIDs (live: the environment's instances),
// closed at the end of the test, which deletes any command the test tracked that still exists.
func startTarget(t *testing.T, root string, instanceIDs []string) *harness.Target {
	t.Helper()
	target, err := harness.StartTarget(root, instanceIDs)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, target.Close()) })
	return target
}

// startInProcessTarget runs an in-process emulator with opts, for tests that read what only it
// exposes (an instance's files); live, the environment's service and a nil server.
func startInProcessTarget(t *testing.T, opts emulator.Options) (*harness.Target, *emulator.Server) {
	t.Helper()
	var server *emulator.Server
	var target *harness.Target
	var err error
	if harness.Live() {
		target, err = harness.LiveTarget()
	} else {
		opts.Listen = "127.0.0.1:0"
		server, err = emulator.New(opts)
		require.NoError(t, err)
		t.Cleanup(func() { _ = server.Close() })
		target, err = harness.EmulatorTarget(rig.HarnessEmulator(server))
	}
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, target.Close()) })
	return target, server
}

// skipLive skips a test that needs what only an emulator can do, saying what.
func skipLive(t *testing.T, why string) {
	t.Helper()
	if harness.Live() {
		t.Skip("emulator only (skipped under make test-live): " + why)
	}
}

// trackCommands records the stack's commands with the target after an `up`.
func trackCommands(ctx context.Context, t *testing.T, target *harness.Target, stack auto.Stack) []string {
	t.Helper()
	ids, err := target.TrackStackCommands(ctx, stack)
	require.NoError(t, err)
	return ids
}

// requireNoCommandsLeft: after destroy, the ECS API finds none of the commands the test's
// stacks ever held (the same check live and on the emulator).
func requireNoCommandsLeft(t *testing.T, target *harness.Target) {
	t.Helper()
	left, err := target.CommandsLeft()
	require.NoError(t, err)
	require.Empty(t, left, "commands still exist after destroy")
}
