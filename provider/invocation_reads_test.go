package provider_test

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A one-batch invocation waits like a rollout's batch: while the script runs, each poll is
// a status read without output (DescribeInvocations); the outputs are read once, when every
// instance has finished.
func TestSingleBatchPollsStatusOnly(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// Each instance has a disk of its own: the test releases the scripts by writing on each.
	const release = "/tmp/release"
	cmdID, _ := h.command("held", "while [ ! -f "+release+" ]; do sleep 0.02; done; echo done")
	go func() {
		// Let the script finish once the provider has polled it three times, whichever way.
		for a := h.srv.Stats().Actions; a["DescribeInvocations"]+a["DescribeInvocationResults"] < 3; a = h.srv.Stats().Actions {
			time.Sleep(10 * time.Millisecond)
		}
		for _, id := range h.srv.InstanceIDs() {
			_ = os.WriteFile(h.srv.InstancePath(id, release), nil, 0o600)
		}
	}()
	resp, err := h.tryInvoke("held", h.invokeInputs(cmdID), 0)
	require.NoError(t, err)
	for _, r := range results(t, resp.Properties) {
		assert.Equal(t, "done\n", r.Get("output").AsString())
	}
	actions := h.srv.Stats().Actions
	assert.GreaterOrEqual(t, actions["DescribeInvocations"], int64(3), "status reads while running")
	assert.Equal(t, int64(1), actions["DescribeInvocationResults"], "outputs read once, at the end")
}

// Invocations without a timeout of their own bound their wait by their command's: the
// command is read once per provider process, not once per Invocation.
func TestCommandTimeoutIsReadOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cmdID, _ := h.command("once", "true")
	_, err := h.tryInvoke("first", h.invokeInputs(cmdID), 0)
	require.NoError(t, err)
	before := h.srv.Stats().Actions["DescribeCommands"]
	for _, name := range []string{"second", "third"} {
		_, err := h.tryInvoke(name, h.invokeInputs(cmdID), 0)
		require.NoError(t, err)
	}
	assert.Equal(t, before, h.srv.Stats().Actions["DescribeCommands"])
}
