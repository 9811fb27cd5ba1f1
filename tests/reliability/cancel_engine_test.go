package reliability

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
)

// TestEngineCancelMidWait: cancelling `pulumi up` (SIGINT to the CLI, as the Automation API
// does when the ctx of Up ends) while the provider waits for running scripts leaves the
// invocations in the state, and the next `up`, once the scripts have finished, runs none again.
// A cancel that lands after the service applied an InvokeCommand but before the provider read
// its answer leaves that one unrecorded: the next `up` adopts it by its tags (issue 19), so it
// still runs nothing again and starts no new invocation.
func TestEngineCancelMidWait(t *testing.T) { cancelScenario(t, true) }

// TestEngineCancelThenUpAtOnce: the same, with the next `up` started while the scripts still
// run: it waits for the recorded runs instead of starting new ones.
func TestEngineCancelThenUpAtOnce(t *testing.T) { cancelScenario(t, false) }

// cancelScenario runs scripts that wait on a gate file, so they are surely running when the
// up is cancelled, and finish when the test says: before the next up, or during it.
func cancelScenario(t *testing.T, finishBeforeNextUp bool) {
	useEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	emu := startEmulator(t, emulator.Options{InstanceCount: 2})
	// Each instance has a disk of its own: the gate opens by a file written on each.
	const gate = "/tmp/gate"
	openGate := func() {
		for _, id := range emu.InstanceIDs() {
			require.NoError(t, os.WriteFile(emu.InstancePath(id, gate), nil, 0o644))
		}
	}
	const invocations, runs = 3, 6 // on 2 instances each
	stack, _ := newStack(ctx, t, emu, rig.Spec{
		Script:      "while [ ! -e " + gate + " ]; do sleep 0.05; done; echo done",
		Invocations: invocations, Instances: emu.InstanceIDs(), PerInvocation: 2,
	})

	upCtx, cancelUp := context.WithCancel(ctx)
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		_, err := stack.Up(upCtx, optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out))
		done <- err
	}()
	require.Eventually(t, func() bool { return emu.Stats().Executions == runs }, time.Minute, 20*time.Millisecond,
		"the scripts did not all start:\n%s", out.String())
	cancelUp()
	select {
	case err := <-done:
		require.Error(t, err, "up was cancelled, it cannot have succeeded")
	case <-time.After(time.Minute):
		t.Fatalf("up did not end within a minute of the cancel:\n%s", out.String())
	}
	recorded := invocationIDs(ctx, t, stack)
	require.NotEmpty(t, recorded, "invocations in the state after the cancel:\n%s", out.String())
	if len(recorded) < invocations {
		t.Logf("%d of %d invocations recorded: the cancel came before the others' answers, the next up adopts them",
			len(recorded), invocations)
	}
	require.Equal(t, invocations, emu.Stats().ActiveInvocations, "the cancel stopped the scripts")

	if finishBeforeNextUp {
		openGate()
		require.Eventually(t, func() bool { return emu.Stats().ActiveInvocations == 0 }, time.Minute, 20*time.Millisecond)
	} else {
		// Open the gate once the next up is reading the recorded invocations' status.
		reads := statusReads(emu)
		go func() {
			for statusReads(emu) == reads && ctx.Err() == nil {
				time.Sleep(20 * time.Millisecond)
			}
			for _, id := range emu.InstanceIDs() {
				_ = os.WriteFile(emu.InstancePath(id, gate), nil, 0o644)
			}
		}()
	}
	out = syncBuffer{}
	res, err := stack.Up(ctx, optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out))
	require.NoError(t, err, "the up after the cancel:\n%s", out.String())
	st := emu.Stats()
	assert.EqualValues(t, runs, st.Executions, "the up after the cancel ran scripts again")
	assert.Equal(t, invocations, st.Invocations, "the up after the cancel invoked again")
	// Every recorded invocation is kept, and no other was started (st.Invocations above): the
	// unrecorded ones were adopted.
	kept := map[string]bool{}
	for _, id := range stringMap(t, res.Outputs, "invokeIds") {
		kept[id] = true
	}
	for _, id := range recorded {
		assert.Truef(t, kept[id], "recorded invocation %s was replaced by a new one", id)
	}
	for name, status := range stringMap(t, res.Outputs, "statuses") {
		assert.Equal(t, "Success", status, name)
	}
}

// invocationIDs reads the IDs of the Invocations in the stack's state.
func invocationIDs(ctx context.Context, t *testing.T, stack auto.Stack) []string {
	t.Helper()
	dep, err := stack.Export(ctx)
	require.NoError(t, err)
	var state struct {
		Resources []struct {
			Type string `json:"type"`
			ID   string `json:"id"`
		} `json:"resources"`
		Pending []json.RawMessage `json:"pending_operations"`
	}
	require.NoError(t, json.Unmarshal(dep.Deployment, &state))
	assert.Empty(t, state.Pending, "operations left pending in the state")
	var ids []string
	for _, r := range state.Resources {
		if r.Type == rig.InvocationToken && r.ID != "" {
			ids = append(ids, r.ID)
		}
	}
	return ids
}
