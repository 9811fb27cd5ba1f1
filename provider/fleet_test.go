package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/provider"
)

// newFleetHarness is a harness whose emulator has n instances; every third carries
// role=web.
func newFleetHarness(t *testing.T, n int) *harness {
	t.Helper()
	return newFleetHarnessVia(t, n, nil)
}

// newFleetHarnessVia is newFleetHarness whose provider reaches the emulator through
// via(emulator URL) (a proxy's URL) when via is not nil.
func newFleetHarnessVia(t *testing.T, n int, via func(string) string) *harness {
	t.Helper()
	list := make([]emulator.Instance, n)
	for i := range list {
		list[i] = emulator.Instance{ID: fmt.Sprintf("i-fleet%05d", i), Name: fmt.Sprintf("node-%d", i)}
		if i%3 == 0 {
			list[i].Tags = map[string]string{"role": "web"}
		}
	}
	srv, err := emulator.New(emulator.Options{Listen: "127.0.0.1:0", Instances: list})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	s, err := integration.NewServer(context.Background(), provider.Name, semver.MustParse("0.1.0"),
		integration.WithProvider(provider.New()))
	require.NoError(t, err)
	config := emulatorConfig(srv)
	if via != nil {
		config = config.Set("endpoint", str(via(srv.URL())))
	}
	require.NoError(t, s.Configure(p.ConfigureRequest{Args: config}))
	return &harness{t: t, srv: srv, s: s}
}

func arrayStrings(v property.Value) []string {
	var out []string
	for _, e := range v.AsArray().AsSlice() {
		out = append(out, e.AsString())
	}
	return out
}

// 250 instances: three batches, each instance runs exactly once; adding 10 runs only those.
func TestFleetBatchesAndConverge(t *testing.T) {
	t.Parallel()
	h := newFleetHarness(t, 260)
	all := h.srv.InstanceIDs()
	cmdID, _ := h.command("fleet", "echo ran on {{ACS::InstanceId}}", "enableParameter", boolean(true))
	in := props("commandId", str(cmdID), "instanceIds", strs(all[:250]...))
	resp, err := h.tryInvoke("fleet", in, 0)
	require.NoError(t, err)
	out := resp.Properties
	ids := arrayStrings(out.Get("invokeIds"))
	require.Len(t, ids, 3)
	assert.Equal(t, ids[0], resp.ID)
	assert.Equal(t, ids[0], out.Get("invokeId").AsString())
	assert.Equal(t, "Success", out.Get("status").AsString())
	assert.Equal(t, 250.0, out.Get("summary").AsMap().Get("Success").AsNumber())
	assert.Empty(t, out.Get("failedInstanceIds").AsArray().AsSlice())
	rs := results(t, out)
	require.Len(t, rs, 250)
	assert.Equal(t, "ran on "+rs[249].Get("instanceId").AsString()+"\n", rs[249].Get("output").AsString())
	st := h.srv.StatsPerInstance()
	assert.Equal(t, int64(3), st.Actions["InvokeCommand"])
	for _, id := range all[:250] {
		assert.Equal(t, int64(1), st.ExecutionsByInstance[id], id)
	}

	// Adding 10 IDs is an update, not a replace, and runs only on those 10.
	news := h.check(invocationToken, "fleet", out, props("commandId", str(cmdID), "instanceIds", strs(all...)))
	d := h.diff(t, invocationToken, "fleet", resp.ID, out, news)
	require.True(t, d.HasChanges)
	assert.Equal(t, p.Update, d.DetailedDiff["instanceIds"].Kind)
	assert.False(t, d.DeleteBeforeReplace)
	up, err := h.s.Update(p.UpdateRequest{ID: resp.ID, Urn: urn(invocationToken, "fleet"), State: out, Inputs: news})
	require.NoError(t, err)
	assert.Len(t, arrayStrings(up.Properties.Get("invokeIds")), 4)
	assert.Equal(t, ids[0], up.Properties.Get("invokeId").AsString(), "the resource keeps its first invokeId")
	assert.Len(t, results(t, up.Properties), 260)
	assert.Len(t, arrayStrings(up.Properties.Get("targetInstanceIds")), 260)
	st = h.srv.StatsPerInstance()
	for _, id := range all {
		assert.Equal(t, int64(1), st.ExecutionsByInstance[id], id)
	}

	// Removing IDs forgets them without running anything.
	before := h.srv.Stats().Executions
	fewer := h.check(invocationToken, "fleet", up.Properties, props("commandId", str(cmdID), "instanceIds", strs(all[:200]...)))
	down, err := h.s.Update(p.UpdateRequest{ID: resp.ID, Urn: urn(invocationToken, "fleet"), State: up.Properties, Inputs: fewer})
	require.NoError(t, err)
	assert.Len(t, results(t, down.Properties), 200)
	assert.Equal(t, before, h.srv.Stats().Executions)

	// Any other change still replaces.
	other := h.check(invocationToken, "fleet", down.Properties, props("commandId", str(cmdID), "instanceIds", strs(all[:201]...),
		"timeout", num(30)))
	d = h.diff(t, invocationToken, "fleet", resp.ID, down.Properties, other)
	assert.Equal(t, p.UpdateReplace, d.DetailedDiff["instanceIds"].Kind)

	// Rollout settings change in place, alone or with instanceIds: they never re-run anything.
	limits := h.check(invocationToken, "fleet", down.Properties, props("commandId", str(cmdID), "instanceIds", strs(all[:201]...),
		"maxConcurrency", str("50%"), "outputBytesPerInstance", num(10)))
	d = h.diff(t, invocationToken, "fleet", resp.ID, down.Properties, limits)
	assert.Equal(t, p.Add, d.DetailedDiff["maxConcurrency"].Kind)
	assert.Equal(t, p.Add, d.DetailedDiff["outputBytesPerInstance"].Kind)
	assert.Equal(t, p.Update, d.DetailedDiff["instanceIds"].Kind)
}

// maxErrors "0" with failures in the first batch: later batches never start, and say so.
func TestFleetMaxErrorsStopsTheRollout(t *testing.T) {
	t.Parallel()
	h := newFleetHarness(t, 60)
	all := h.srv.InstanceIDs()
	// The first five instances (the first batch of maxConcurrency 5) fail.
	cmdID, _ := h.command("flaky", `case {{ACS::InstanceId}} in i-fleet0000[0-4]) exit 3;; esac; echo ok`, "enableParameter", boolean(true))
	in := props("commandId", str(cmdID), "instanceIds", strs(all...), "maxErrors", str("0"), "maxConcurrency", str("5"))
	resp, err := h.tryInvoke("flaky", in, 0)
	require.Error(t, err)
	require.NotNil(t, resp.PartialState, "a stopped rollout is recorded: %v", err)
	msg := strings.Join(resp.PartialState.Reasons, "\n")
	assert.Contains(t, msg, `more than maxErrors "0" allows`)
	assert.Contains(t, msg, "55 instances never started: i-fleet00005, i-fleet00006")
	assert.Contains(t, msg, "i-fleet00000: Failed, exit code 3")
	out := resp.Properties
	assert.Equal(t, 55, len(arrayStrings(out.Get("notStartedInstanceIds"))))
	assert.Equal(t, 55.0, out.Get("summary").AsMap().Get("NotStarted").AsNumber())
	assert.Equal(t, all[:5], arrayStrings(out.Get("failedInstanceIds")))
	assert.True(t, out.Get("rerunRequired").AsBool())
	st := h.srv.StatsPerInstance()
	assert.Len(t, st.ExecutionsByInstance, 5, "only the first batch ran")
}

// maxConcurrency "20": never more than 20 scripts at once, by the emulator's peak.
func TestFleetMaxConcurrency(t *testing.T) {
	t.Parallel()
	h := newFleetHarness(t, 100)
	cmdID, _ := h.command("slow", "sleep 0.3; echo done")
	in := props("commandId", str(cmdID), "instanceIds", strs(h.srv.InstanceIDs()...), "maxConcurrency", str("20"))
	resp, err := h.tryInvoke("slow", in, 0)
	require.NoError(t, err)
	st := h.srv.StatsPerInstance()
	assert.LessOrEqual(t, st.PeakRunning, 20)
	assert.Len(t, st.ExecutionsByInstance, 100)
	assert.Equal(t, 100.0, resp.Properties.Get("summary").AsMap().Get("Success").AsNumber())
	assert.Greater(t, len(arrayStrings(resp.Properties.Get("invokeIds"))), 4)
}

// targetTags resolves the tagged instances at create time and records them; getInstances
// finds the same ones.
func TestFleetTargetTagsAndGetInstances(t *testing.T) {
	t.Parallel()
	h := newFleetHarness(t, 30)
	got := h.invoke("getInstances", props("tags", strMap(map[string]string{"role": "web"})))
	web := arrayStrings(got.Get("instanceIds"))
	require.Len(t, web, 10)
	assert.Equal(t, "i-fleet00000", web[0])
	byName := h.invoke("getInstances", props("namePrefix", str("node-2"), "status", str("Running")))
	assert.Len(t, arrayStrings(byName.Get("instanceIds")), 11) // node-2, node-20…29

	cmdID, _ := h.command("tagged", "echo hi")
	resp, err := h.tryInvoke("tagged", props("commandId", str(cmdID), "targetTags", strMap(map[string]string{"role": "web"})), 0)
	require.NoError(t, err)
	assert.Equal(t, web, arrayStrings(resp.Properties.Get("targetInstanceIds")))
	assert.Len(t, results(t, resp.Properties), 10)
	st := h.srv.StatsPerInstance()
	assert.Len(t, st.ExecutionsByInstance, 10)
	for _, id := range web {
		assert.Equal(t, int64(1), st.ExecutionsByInstance[id])
	}
}

// The default output budget keeps a 1,000-instance invocation's state small.
func TestFleetOutputBudget(t *testing.T) {
	t.Parallel()
	h := newFleetHarness(t, 3)
	cmdID, _ := h.command("big", "head -c 5000 /dev/zero | tr '\\0' x")
	resp, err := h.tryInvoke("big", props("commandId", str(cmdID), "instanceIds", strs(h.srv.InstanceIDs()...),
		"outputBytesPerInstance", num(100)), 0)
	require.NoError(t, err)
	for _, r := range results(t, resp.Properties) {
		assert.Len(t, r.Get("output").AsString(), 100)
		assert.Equal(t, 4900.0, r.Get("dropped").AsNumber())
	}
}

// RunScript passes targetTags and the rollout limits to its Invocation.
func TestFleetRunScriptTargetTags(t *testing.T) {
	t.Parallel()
	list := []emulator.Instance{
		{ID: "i-web1", Tags: map[string]string{"role": "web"}},
		{ID: "i-web2", Tags: map[string]string{"role": "web"}},
		{ID: "i-db1", Tags: map[string]string{"role": "db"}},
	}
	h, kids := newComponentHarness(t, emulator.Options{Instances: list})
	resp, err := h.construct(runScriptType, "web", props(
		"script", str("echo on {{ACS::InstanceId}}"),
		"targetTags", strMap(map[string]string{"role": "web"}),
		"maxConcurrency", str("1"),
	))
	require.NoError(t, err)
	invs := kids.of("cloudassistant:index:Invocation")
	require.Len(t, invs, 1)
	assert.Equal(t, []string{"i-web1", "i-web2"}, arrayStrings(invs[0].State.Get("targetInstanceIds")))
	assert.Len(t, arrayStrings(invs[0].State.Get("invokeIds")), 2, "maxConcurrency 1: one instance per batch")
	outputs := stringMap(t, resp.State.Get("outputs"))
	assert.Equal(t, map[string]string{"i-web1": "on i-web1\n", "i-web2": "on i-web2\n"}, outputs)
	assert.LessOrEqual(t, h.srv.Stats().PeakRunning, 1)
}
