// Package reliability is the fault suite of issue 6: the provider under throttling, server
// errors, dropped responses, engine cancellation and emulator restarts, and secrets kept out
// of state and logs. The in-process tests need nothing built; the engine tests need the CLI
// in .tools/ (`make tools`) and build the provider themselves.
package reliability

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
)

// issueFaults are the fault rates issue 6 names: 10% throttling, 5% server errors, and
// responses dropped after the call was applied.
var issueFaults = emulator.Faults{ThrottleRate: 0.10, ServerErrorRate: 0.05, DropRate: 0.05}

// startEmulator runs an in-process emulator with opts. Every test of this suite needs one, so
// under `make test-live` each skips here: the suite injects faults, holds and drops answers,
// restarts the service and reads its counters, which only an emulator allows.
func startEmulator(t *testing.T, opts emulator.Options) *emulator.Server {
	t.Helper()
	skipLive(t)
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	emu, err := emulator.New(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = emu.Close() })
	return emu
}

func newProvider(t *testing.T, emu *emulator.Server) *rig.Provider {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	prov, err := rig.NewProvider(ctx, emu)
	require.NoError(t, err)
	return prov
}

// TestFaultsInProcess: 50 invocations on 5 instances each, created and deleted with the
// engine's parallelism under every fault at once, all succeed and every script runs once.
func TestFaultsInProcess(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t, emulator.Options{InstanceCount: 5})
	prov := newProvider(t, emu)
	cmd, err := prov.Create(rig.CommandToken, "cmd", rig.CommandInputs("echo ran"), 60)
	require.NoError(t, err)
	commandID := rig.String(cmd.Outputs, "commandId")

	emu.SetFaults(issueFaults)
	const n, parallel = 50, 8
	res := make([]rig.Resource, n)
	errs := make([]error, n)
	rig.Each(n, parallel, func(i int) {
		res[i], errs[i] = prov.Create(rig.InvocationToken, fmt.Sprintf("inv-%d", i),
			rig.InvocationInputs(commandID, emu.InstanceIDs()), 120)
	})
	ids := map[string]bool{}
	for i := range n {
		if assert.NoError(t, errs[i], "invocation %d", i) {
			assert.Equal(t, "Success", rig.String(res[i].Outputs, "status"), "invocation %d", i)
			ids[res[i].ID] = true
		}
	}
	st := emu.Stats()
	assert.Len(t, ids, n, "distinct invoke IDs")
	assert.EqualValues(t, n*5, st.Executions, "scripts started: each must run exactly once")
	assert.Equal(t, n, st.Invocations, "invocations recorded by the service")
	// The faults must have bitten, or this test proves nothing.
	assert.Greater(t, st.Actions["InvokeCommand"], int64(n), "InvokeCommand was never retried")

	rig.Each(n, parallel, func(i int) {
		if res[i].ID != "" {
			errs[i] = prov.Delete(rig.InvocationToken, fmt.Sprintf("inv-%d", i), res[i])
		}
	})
	for i := range n {
		assert.NoError(t, errs[i], "deleting invocation %d", i)
	}
	assert.EqualValues(t, n*5, emu.Stats().Executions, "deleting ran nothing")
}

// TestDroppedInvokeRunsOnce: every InvokeCommand response is dropped after the call was
// applied until the client has retried twice; the retries carry the same ClientToken, so
// the script runs once and the Create returns the first invocation. Only InvokeCommand is
// dropped: the Create's adoption look-up before it (a read) must get through to reach it.
func TestDroppedInvokeRunsOnce(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t, emulator.Options{InstanceCount: 2})
	prov := newProvider(t, emu)
	cmd, err := prov.Create(rig.CommandToken, "cmd", rig.CommandInputs("echo ran"), 60)
	require.NoError(t, err)

	emu.SetFaults(emulator.Faults{DropRate: 1, Actions: []string{"InvokeCommand"}})
	done := make(chan struct{})
	var inv rig.Resource
	go func() {
		defer close(done)
		inv, err = prov.Create(rig.InvocationToken, "inv",
			rig.InvocationInputs(rig.String(cmd.Outputs, "commandId"), emu.InstanceIDs()), 60)
	}()
	require.Eventually(t, func() bool { return emu.Stats().Actions["InvokeCommand"] >= 3 },
		30*time.Second, 10*time.Millisecond, "the client did not retry the dropped InvokeCommand")
	emu.SetFaults(emulator.Faults{})
	<-done
	require.NoError(t, err)
	st := emu.Stats()
	assert.Equal(t, 1, st.Invocations, "one invocation despite %d InvokeCommand calls", st.Actions["InvokeCommand"])
	assert.EqualValues(t, 2, st.Executions, "the script ran once per instance")
	assert.Equal(t, "Success", rig.String(inv.Outputs, "status"))
}

// skipLive skips a test under `make test-live` (CLOUDASSISTANT_LIVE=1), saying why.
func skipLive(t *testing.T) {
	t.Helper()
	if harness.Live() {
		t.Skip("emulator only (skipped under make test-live): the reliability suite injects faults, " +
			"restarts the emulator and reads its counters")
	}
}
