package reliability

import (
	"context"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
)

// TestEngineFaults is issue 6's fault scenario through the real engine: `pulumi up` of 50
// invocations on 5 instances each, with throttling, server errors and dropped responses
// from the first call on, succeeds, and every script ran exactly once.
func TestEngineFaults(t *testing.T) {
	useEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	emu := startEmulator(t, emulator.Options{InstanceCount: 5, Faults: issueFaults})
	stack, _ := newStack(ctx, t, emu, rig.Spec{
		Script: "echo ran", Invocations: 50, Instances: emu.InstanceIDs(), PerInvocation: 5,
	})

	var out syncBuffer
	res, err := stack.Up(ctx, optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out))
	require.NoError(t, err, "up under faults:\n%s", out.String())
	ids := map[string]bool{}
	for name, id := range stringMap(t, res.Outputs, "invokeIds") {
		assert.NotEmpty(t, id, name)
		ids[id] = true
	}
	for name, status := range stringMap(t, res.Outputs, "statuses") {
		assert.Equal(t, "Success", status, name)
	}
	st := emu.Stats()
	assert.Len(t, ids, 50, "distinct invocations in the stack")
	assert.EqualValues(t, 250, st.Executions, "every script ran exactly once")
	assert.Equal(t, 50, st.Invocations, "invocations the service recorded")
	assert.Greater(t, st.Actions["InvokeCommand"], int64(50), "the faults never hit InvokeCommand")

	_, err = stack.Destroy(ctx, optdestroy.ProgressStreams(&out), optdestroy.ErrorProgressStreams(&out))
	require.NoError(t, err, "destroy under faults:\n%s", out.String())
	st = emu.Stats()
	assert.EqualValues(t, 250, st.Executions, "destroy ran nothing")
	// CreateCommand has no ClientToken: a retry after a dropped answer must adopt the command
	// the lost attempt created, or that command outlives the stack.
	assert.Zero(t, st.Commands, "commands left after destroy (orphans of retried CreateCommand calls)")
}
