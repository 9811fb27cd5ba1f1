package provider_test

import (
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
)

// checkFailures runs Check as preview does and returns its failures.
func (h *harness) checkFailures(tok tokens.Type, olds, news property.Map) []p.CheckFailure {
	h.t.Helper()
	resp, err := h.s.Check(p.CheckRequest{Urn: urn(tok, "r"), State: olds, Inputs: news})
	require.NoError(h.t, err)
	return resp.Failures
}

// TestPreviewFailsWhatUpWouldFailOn: an instance that does not exist, a parameter without a
// value and a schedule that never fires fail Check (so the preview), naming the path and the
// value, with one read-only call per look-up and nothing created. The path leads the reason,
// never the failure's Property: the engine would print the raw value in Go braces beside it.
func TestPreviewFailsWhatUpWouldFailOn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ids := h.srv.InstanceIDs()
	cmd, _ := h.command("params", "echo {{ greeting }} {{Name}} {{ACS::InstanceId}}", "enableParameter", boolean(true))
	before := h.srv.Stats().Actions

	t.Run("unknown instance", func(t *testing.T) {
		fails := h.checkFailures(invocationToken, property.Map{},
			props("commandId", str(cmd), "instanceIds", strs(ids[0], "i-doesnotexist"),
				"parameters", strMap(map[string]string{"greeting": "hi", "name": "x"})))
		require.Len(t, fails, 1, "%v", fails)
		assert.Equal(t, `instanceIds[1]: is "i-doesnotexist", which is no instance in region cn-hangzhou; `+
			"give the ID of an existing instance", fails[0].Reason)
	})
	t.Run("file on an unknown instance", func(t *testing.T) {
		fails := h.checkFailures(fileToken, property.Map{}, props("content", str("x"), "targetDir", str("/tmp"),
			"name", str("a.conf"), "instanceIds", strs("i-gone", ids[0])))
		require.Len(t, fails, 1, "%v", fails)
		assert.Contains(t, fails[0].Reason, `instanceIds[0]: is "i-gone", which is no instance`)
	})
	t.Run("deployed instances are not asked about", func(t *testing.T) {
		olds := props("commandId", str(cmd), "instanceIds", strs("i-released"),
			"parameters", strMap(map[string]string{"greeting": "hi", "name": "x"}))
		calls := h.srv.Stats().Actions["DescribeInstances"]
		assert.Empty(t, h.checkFailures(invocationToken, olds, olds))
		assert.Equal(t, calls, h.srv.Stats().Actions["DescribeInstances"], "an unchanged list costs no call")
	})
	t.Run("parameter without a value", func(t *testing.T) {
		fails := h.checkFailures(invocationToken, property.Map{}, props("commandId", str(cmd),
			"instanceIds", strs(ids[0]), "parameters", strMap(map[string]string{"GREETING": "hi"})))
		require.Len(t, fails, 1, "%v", fails)
		assert.Equal(t, "parameters: command "+cmd+" uses {{Name}} but parameters give no value for it; add Name to parameters",
			fails[0].Reason)
	})
	t.Run("unknown command", func(t *testing.T) {
		fails := h.checkFailures(invocationToken, property.Map{}, props("commandId", str("c-0000"),
			"instanceIds", strs(ids[0])))
		require.Len(t, fails, 1, "%v", fails)
		assert.Contains(t, fails[0].Reason, `commandId: is "c-0000", which is no command in region cn-hangzhou`)
	})
	t.Run("cron that never fires again", func(t *testing.T) {
		fails := h.checkFailures(invocationToken, property.Map{}, props("commandId", str(cmd),
			"instanceIds", strs(ids[0]), "repeatMode", str("Period"), "frequency", str("0 0 10 1 1 ? 2020"),
			"parameters", strMap(map[string]string{"greeting": "hi", "name": "x"})))
		require.Len(t, fails, 1, "%v", fails)
		assert.Contains(t, fails[0].Reason, `frequency: is "0 0 10 1 1 ? 2020", which never fires after now`)
	})
	t.Run("no failure carries a property for the engine to print", func(t *testing.T) {
		fails := h.checkFailures(commandToken, property.Map{}, props("type", str("RunShelScript"),
			"commandContent", str("echo")))
		require.NotEmpty(t, fails)
		for _, f := range fails {
			assert.Empty(t, f.Property, "%v", f)
		}
		assert.Contains(t, fails[0].Reason, "type: ")
		assert.Contains(t, fails[0].Reason, "RunShelScript")
		assert.NotContains(t, fails[0].Reason, "{RunShelScript}")
	})
	t.Run("deployed cron that has run its course passes", func(t *testing.T) {
		in := props("commandId", str(cmd), "instanceIds", strs(ids[0]), "repeatMode", str("Period"),
			"frequency", str("0 0 10 1 1 ? 2020"), "parameters", strMap(map[string]string{"greeting": "hi", "name": "x"}))
		assert.Empty(t, h.checkFailures(invocationToken, in, in))
	})

	after := h.srv.Stats()
	for action, n := range after.Actions {
		if before[action] != n {
			assert.Contains(t, []string{"DescribeInstances", "DescribeCommands"}, action, "Check may only read")
		}
	}
	assert.Equal(t, 1, after.Commands, "no command beyond the fixture")
	assert.Zero(t, after.Invocations)
}

// The look-up asks DescribeInstances for at most 100 IDs a call (the API's limit for
// InstanceIds, and its largest page), so 120 IDs cost two calls and nothing is missed.
func TestInstanceLookupAsksInHundreds(t *testing.T) {
	t.Parallel()
	h := newHarnessWith(t, emulator.Options{InstanceCount: 119})
	cmd, _ := h.command("hundreds", "true")
	ids := append(h.srv.InstanceIDs(), "i-missingattheend")
	require.Len(t, ids, 120)
	before := h.srv.Stats().Actions["DescribeInstances"]
	fails := h.checkFailures(invocationToken, property.Map{}, props("commandId", str(cmd), "instanceIds", strs(ids...)))
	require.Len(t, fails, 1, "%v", fails)
	assert.Contains(t, fails[0].Reason, `instanceIds[119]: is "i-missingattheend"`)
	assert.Equal(t, before+2, h.srv.Stats().Actions["DescribeInstances"])
}
