package provider_test

import (
	"context"
	"testing"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/provider"
)

// restarted is h with a new provider instance, as the next `pulumi up` starts a new plugin
// process: nothing of the last one's memory survives.
func (h *harness) restarted() *harness {
	h.t.Helper()
	s, err := integration.NewServer(context.Background(), provider.Name, semver.MustParse("0.1.0"),
		integration.WithProvider(provider.New()))
	require.NoError(h.t, err)
	require.NoError(h.t, s.Configure(p.ConfigureRequest{Args: emulatorConfig(h.srv)}))
	return &harness{t: h.t, srv: h.srv, s: s}
}

// A rollout whose Create ended before the engine recorded anything (here: its answer is
// thrown away, as when the plugin or the CLI is killed) is adopted by the next Create of the
// same resource: the started batch is waited for, only the rest start, every instance runs
// once. A replacement (Diff saw the state) and a Create after Delete run everything again.
func TestAdoptInterruptedRollout(t *testing.T) {
	t.Parallel()
	h := newFleetHarness(t, 100)
	all := h.srv.InstanceIDs()
	cmdID, _ := h.command("slow", "sleep 2")
	in := props("commandId", str(cmdID), "instanceIds", strs(all...), "maxConcurrency", str("50"))
	_, err := h.tryInvoke("fleet", in, 1) // the first batch starts; the Create gives up
	require.Error(t, err)
	require.Equal(t, int64(1), h.srv.Stats().Actions["InvokeCommand"], "one batch of 50 started: %v", err)

	next := h.restarted()
	resp, err := next.tryInvoke("fleet", in, 0)
	require.NoError(t, err)
	out := resp.Properties
	assert.Equal(t, "Success", out.Get("status").AsString())
	ids := arrayStrings(out.Get("invokeIds"))
	require.GreaterOrEqual(t, len(ids), 2, "the adopted batch and new ones for the other 50")
	assert.Len(t, results(t, out), 100)
	st := h.srv.StatsPerInstance()
	assert.Equal(t, int64(len(ids)), st.Actions["InvokeCommand"], "every batch is recorded")
	for _, id := range all {
		assert.Equal(t, int64(1), st.ExecutionsByInstance[id], id)
	}

	// A replacement with the same inputs (a failed run, or `up --replace`) runs again: Diff
	// saw the recorded batches, so the Create does not adopt them.
	checked := next.check(invocationToken, "fleet", out, in)
	next.diff(t, invocationToken, "fleet", resp.ID, out, checked)
	again, err := next.tryInvoke("fleet", in, 0)
	require.NoError(t, err)
	assert.Empty(t, setIntersect(arrayStrings(again.Properties.Get("invokeIds")), ids))
	for _, id := range all {
		assert.Equal(t, int64(2), h.srv.StatsPerInstance().ExecutionsByInstance[id], id)
	}

	// Delete retires the tags: a new provider's Create of the same resource runs again.
	err = next.s.Delete(p.DeleteRequest{ID: again.ID, Urn: urn(invocationToken, "fleet"), Properties: again.Properties})
	require.NoError(t, err)
	err = next.s.Delete(p.DeleteRequest{ID: resp.ID, Urn: urn(invocationToken, "fleet"), Properties: out})
	require.NoError(t, err)
	_, err = h.restarted().tryInvoke("fleet", in, 0)
	require.NoError(t, err)
	for _, id := range all {
		assert.Equal(t, int64(3), h.srv.StatsPerInstance().ExecutionsByInstance[id], id)
	}
}

// A one-batch Invocation interrupted mid-run is adopted too: the run is waited for, not
// started again.
func TestAdoptInterruptedSingleRun(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cmdID, _ := h.command("slow", "sleep 3")
	in := h.invokeInputs(cmdID)
	_, err := h.tryInvoke("one", in, 1.5)
	require.Error(t, err)
	resp, err := h.restarted().tryInvoke("one", in, 0)
	require.NoError(t, err)
	assert.Equal(t, "Success", resp.Properties.Get("status").AsString())
	st := h.srv.StatsPerInstance()
	assert.Equal(t, int64(1), st.Actions["InvokeCommand"])
	for _, id := range h.srv.InstanceIDs() {
		assert.Equal(t, int64(1), st.ExecutionsByInstance[id], id)
	}
	// Other inputs are another attempt: nothing to adopt.
	other := h.invokeInputs(cmdID, "timeout", num(30))
	_, err = h.restarted().tryInvoke("one", other, 0)
	require.NoError(t, err)
	assert.Equal(t, int64(2), h.srv.Stats().Actions["InvokeCommand"])
}

// A File whose send was interrupted after the tasks went out: with overwrite false the next
// Create adopts them instead of failing with FileAlreadyExists on the instances that hold the
// file, and no instance receives it twice. After Delete a Create sends again.
func TestAdoptInterruptedFile(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	in := h.fileInputs("v1\n", "overwrite", boolean(false))
	_, err := h.tryFile("conf", in) // sent; the answer is lost with the process
	require.NoError(t, err)
	resp, err := h.restarted().tryFile("conf", in)
	require.NoError(t, err, "the interrupted send's tasks are adopted, not sent again")
	assert.Equal(t, "Success", resp.Properties.Get("status").AsString())
	st := h.srv.StatsPerInstance()
	assert.Equal(t, int64(1), st.Actions["SendFile"])
	for _, id := range h.srv.InstanceIDs() {
		assert.Equal(t, int64(1), st.DeliveriesByInstance[id], id)
	}

	err = h.s.Delete(p.DeleteRequest{ID: resp.ID, Urn: urn(fileToken, "conf"), Properties: resp.Properties})
	require.NoError(t, err)
	_, err = h.restarted().tryFile("conf", h.fileInputs("v1\n"))
	require.NoError(t, err)
	st = h.srv.StatsPerInstance()
	assert.Equal(t, int64(2), st.Actions["SendFile"], "retired tasks are not adopted")
	for _, id := range h.srv.InstanceIDs() {
		assert.Equal(t, int64(2), st.DeliveriesByInstance[id], id)
	}
}

// Check keeps the adoption tags' keys and room for them.
func TestAdoptionTagsAreReserved(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	resp, err := h.s.Check(p.CheckRequest{Urn: urn(fileToken, "f"), Inputs: h.fileInputs("x",
		"tags", strMap(map[string]string{provider.TagAttempt: "mine"}))})
	require.NoError(t, err)
	require.NotEmpty(t, resp.Failures)
	assert.Contains(t, resp.Failures[0].Reason, "are the provider's own")
	many := map[string]string{}
	for i := range 19 {
		many[string(rune('a'+i))] = "v"
	}
	resp, err = h.s.Check(p.CheckRequest{Urn: urn(invocationToken, "i"), Inputs: h.invokeInputs("c-1", "tags", strMap(many))})
	require.NoError(t, err)
	require.NotEmpty(t, resp.Failures)
	assert.Contains(t, resp.Failures[0].Reason, "has 19 tags; the limit is 18")
}

func setIntersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
			}
		}
	}
	return out
}

// An update that adds instances (a converge) and is interrupted after starting some of them
// leaves the old state recorded; the next update adopts what it started and runs the rest.
// The retry allows more at once, so its first batch would be cut differently: a ClientToken
// derived again could not recognise the batch already started, the tags do.
func TestAdoptInterruptedConverge(t *testing.T) {
	t.Parallel()
	h := newFleetHarness(t, 100)
	all := h.srv.InstanceIDs()
	cmdID, _ := h.command("slow", "sleep 2")
	in := props("commandId", str(cmdID), "instanceIds", strs(all[:50]...), "maxConcurrency", str("25"))
	resp, err := h.tryInvoke("grow", in, 0)
	require.NoError(t, err)
	grown := h.check(invocationToken, "grow", resp.Properties,
		props("commandId", str(cmdID), "instanceIds", strs(all...), "maxConcurrency", str("25")))
	update := func(s integration.Server, timeout float64) (p.UpdateResponse, error) {
		return s.Update(p.UpdateRequest{ID: resp.ID, Urn: urn(invocationToken, "grow"), State: resp.Properties,
			Inputs: grown, Timeout: timeout})
	}
	_, err = update(h.s, 1) // the first added batch starts; the update gives up, its state lost
	require.Error(t, err)
	started := h.srv.Stats().Actions["InvokeCommand"]
	require.Greater(t, started, int64(2), "the interrupted update started a batch")

	grown = h.check(invocationToken, "grow", resp.Properties,
		props("commandId", str(cmdID), "instanceIds", strs(all...), "maxConcurrency", str("50")))
	up, err := update(h.restarted().s, 0)
	require.NoError(t, err)
	assert.Len(t, results(t, up.Properties), 100)
	for _, id := range all {
		assert.Equal(t, int64(1), h.srv.StatsPerInstance().ExecutionsByInstance[id], id)
	}
}
