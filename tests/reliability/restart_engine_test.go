package reliability

import (
	"context"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
)

// TestEngineEmulatorRestart: the emulator (with a data dir) restarts on the same address
// while the provider waits, with status reads in flight; the deployment still succeeds, with
// the runs it had started and no others.
//
// The emulator records a script still running at shutdown as interrupted (a real agent would
// keep it running), so the scripts wait on a gate file: they run while the provider starts
// waiting, then every status read is held (a latency fault) before the gate opens, so the
// provider cannot see them finish before the restart, whatever its polling schedule.
func TestEngineEmulatorRestart(t *testing.T) {
	skipLive(t)
	useEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	opts := emulator.Options{Listen: "127.0.0.1:0", InstanceCount: 2, DataDir: t.TempDir()}
	first, err := emulator.New(opts)
	require.NoError(t, err)
	closed := false
	t.Cleanup(func() {
		if !closed {
			_ = first.Close()
		}
	})
	const gate = "/tmp/gate"       // on each instance's disk: see below
	const invocations, runs = 4, 8 // on 2 instances each
	stack, _ := newStack(ctx, t, first, rig.Spec{
		Script:      "while [ ! -e " + gate + " ]; do sleep 0.05; done; echo passed",
		Invocations: invocations, Instances: first.InstanceIDs(), PerInvocation: 2,
	})

	var out syncBuffer
	var finished atomic.Bool
	done := make(chan error, 1)
	go func() {
		_, err := stack.Up(ctx, optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out))
		finished.Store(true)
		done <- err
	}()
	require.Eventually(t, func() bool { return first.Stats().Executions == runs }, time.Minute, 10*time.Millisecond,
		"the scripts did not all start:\n%s", out.String())

	// Hold every new status read, and open the gate once each invocation's wait has a read held
	// (a wait sends its next read only after the last one was answered).
	reads := statusReads(first)
	first.SetFaults(emulator.Faults{Latency: time.Minute})
	require.Eventually(t, func() bool {
		return statusReads(first) >= reads+invocations
	}, time.Minute, 10*time.Millisecond, "the waits did not read again:\n%s", out.String())
	for _, id := range first.InstanceIDs() {
		require.NoError(t, os.WriteFile(first.InstancePath(id, gate), nil, 0o644))
	}
	require.Eventually(t, func() bool { return first.Stats().ActiveInvocations == 0 }, time.Minute, 10*time.Millisecond)
	require.False(t, finished.Load(), "up ended before the restart: this test proves nothing")

	// Restart on the same address, as a restarted service looks to the provider: the held
	// reads fail with a transport error and are retried against the new process.
	opts.Listen = first.URL()[len("http://"):]
	require.NoError(t, first.Close())
	closed = true
	second, err := emulator.New(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = second.Close() })

	select {
	case err := <-done:
		require.NoError(t, err, "up across the emulator restart:\n%s", out.String())
	case <-ctx.Done():
		t.Fatalf("up did not finish:\n%s", out.String())
	}
	st := second.Stats()
	assert.Zero(t, st.Executions, "scripts ran again after the restart")
	assert.Equal(t, invocations, st.Invocations, "invocations the restarted emulator knows")
	assert.NotZero(t, statusReads(second), "the provider never read status from the restarted emulator")
	outs, err := stack.Outputs(ctx)
	require.NoError(t, err)
	for name, status := range stringMap(t, outs, "statuses") {
		assert.Equal(t, "Success", status, name)
	}
}
