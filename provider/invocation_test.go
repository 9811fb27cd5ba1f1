package provider_test

import (
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/provider"
)

// invoke checks and creates an invocation of commandID on the emulator's instances.
func (h *harness) invokeInputs(commandID string, extra ...any) property.Map {
	ids := h.srv.InstanceIDs()
	kv := append([]any{"commandId", str(commandID), "instanceIds", strs(ids...)}, extra...)
	return props(kv...)
}

func (h *harness) tryInvoke(name string, in property.Map, timeout float64) (p.CreateResponse, error) {
	h.t.Helper()
	checked := h.check(invocationToken, name, property.Map{}, in)
	return h.s.Create(p.CreateRequest{Urn: urn(invocationToken, name), Properties: checked, Timeout: timeout})
}

func results(t *testing.T, out property.Map) []property.Map {
	t.Helper()
	v := out.Get("results")
	require.True(t, v.IsArray(), "results: %v", v)
	var rs []property.Map
	for _, r := range v.AsArray().AsSlice() {
		rs = append(rs, r.AsMap())
	}
	return rs
}

func TestInvocationLifecycle(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cmdID, _ := h.command("hello", "echo hello from i-$(hostname | sed 's/^iZ//; s/Z$//')")
	ids := h.srv.InstanceIDs()
	integration.LifeCycleTest{
		Resource: invocationToken,
		Create: integration.Operation{
			Inputs: h.invokeInputs(cmdID, "triggers", property.New([]property.Value{str("v1")})),
			Hook: func(_, out property.Map) {
				assert.True(t, strings.HasPrefix(out.Get("invokeId").AsString(), "t-"))
				assert.Equal(t, "Success", out.Get("status").AsString())
				assert.False(t, out.Get("rerunRequired").AsBool())
				rs := results(t, out)
				require.Len(t, rs, len(ids))
				for _, r := range rs {
					assert.Equal(t, "Success", r.Get("status").AsString())
					assert.Equal(t, 0.0, r.Get("exitCode").AsNumber())
					assert.Equal(t, "hello from "+r.Get("instanceId").AsString()+"\n", r.Get("output").AsString())
					assert.NotEmpty(t, r.Get("finishedTime").AsString())
				}
			},
		},
		Updates: []integration.Operation{{
			// A new trigger value replaces the invocation: the script runs again.
			Inputs: h.invokeInputs(cmdID, "triggers", property.New([]property.Value{str("v2")})),
		}},
	}.Run(t, h.s)
	st := h.srv.Stats()
	assert.EqualValues(t, 2, st.Actions["InvokeCommand"])
	assert.EqualValues(t, 2*len(ids), st.Executions)
	assert.Zero(t, st.Actions["StopInvocation"], "finished one-shot invocations need no stop")
}

func TestInvocationReplaceOnEachInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cmdID, _ := h.command("c", "echo {{p}}", "enableParameter", boolean(true))
	base := h.invokeInputs(cmdID, "parameters", strMap(map[string]string{"p": "x"}), "username", str("root"),
		"timeout", num(60), "tags", strMap(map[string]string{"a": "1"}), "triggers", property.New([]property.Value{num(1)}))
	id, state := h.create(invocationToken, "inv", base)
	other, _ := h.command("c2", "echo {{p}}", "enableParameter", boolean(true))
	cases := []struct {
		key  string
		with property.Value
	}{
		{"commandId", str(other)},
		// instanceIds alone converges in place: TestFleetBatchesAndConverge.
		{"repeatMode", str("EveryReboot")},
		{"parameters", strMap(map[string]string{"p": "y"})},
		{"username", str("admin")},
		{"windowsPasswordName", str("pw")},
		{"timeout", num(61)},
		{"containerId", str("abc")},
		{"containerName", str("web")},
		{"terminationMode", str("ProcessTree")},
		{"launcher", str("bash")},
		{"tags", strMap(map[string]string{"a": "2"})},
		{"resourceGroupId", str("rg-1")},
		{"triggers", property.New([]property.Value{num(2)})},
		{"waitForCompletion", boolean(false)},
		{"failurePolicy", str("Never")},
		{"secretResults", boolean(false)},
		{"maxConcurrency", str("10")},
		{"maxErrors", str("0")},
		{"outputBytesPerInstance", num(1024)},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			checked := h.check(invocationToken, "inv", state, base.Set(c.key, c.with))
			d := h.diff(t, invocationToken, "inv", id, state, checked)
			require.True(t, d.HasChanges)
			require.Contains(t, d.DetailedDiff, c.key)
			if provider.ChangeEffect(string(invocationToken), c.key) == "update in place" {
				assert.Contains(t, []p.DiffKind{p.Update, p.Add}, d.DetailedDiff[c.key].Kind, "%s updates in place", c.key)
			} else {
				assert.Contains(t, []p.DiffKind{p.UpdateReplace, p.AddReplace}, d.DetailedDiff[c.key].Kind, "%s replaces", c.key)
			}
			assert.Len(t, d.DetailedDiff, 1, "only %s changed: %v", c.key, d.DetailedDiff)
			assert.Equal(t, c.key == "repeatMode", d.DeleteBeforeReplace, "only schedules delete first")
		})
	}
	t.Run("no change", func(t *testing.T) {
		checked := h.check(invocationToken, "inv", state, base)
		d := h.diff(t, invocationToken, "inv", id, state, checked)
		assert.False(t, d.HasChanges, "%v", d.DetailedDiff)
	})
}

func TestInvocationImportAndRefresh(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cmdID, _ := h.command("c", "echo {{p}}", "enableParameter", boolean(true))
	program := h.invokeInputs(cmdID, "parameters", strMap(map[string]string{"p": "x"}))
	id, created := h.create(invocationToken, "inv", program)

	read, err := h.s.Read(p.ReadRequest{ID: id, Urn: urn(invocationToken, "inv")})
	require.NoError(t, err)
	require.Equal(t, id, read.ID)
	assert.Len(t, results(t, read.Properties), 3)
	checked := h.check(invocationToken, "inv", read.Inputs, program)
	d := h.diff(t, invocationToken, "inv", id, read.Properties, checked)
	assert.False(t, d.HasChanges, "import must leave nothing to change: %v", d.DetailedDiff)

	refreshed, err := h.s.Read(p.ReadRequest{ID: id, Urn: urn(invocationToken, "inv"), Properties: created, Inputs: checked})
	require.NoError(t, err)
	assert.Equal(t, id, refreshed.ID)
	d = h.diff(t, invocationToken, "inv", id, refreshed.Properties, checked)
	assert.False(t, d.HasChanges, "%v", d.DetailedDiff)

	_, err = h.s.Read(p.ReadRequest{ID: "t-doesnotexist", Urn: urn(invocationToken, "inv")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no such invocation")
}

func TestPreviewMakesNoMutatingCalls(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cmdIn := h.check(commandToken, "c", property.Map{}, props("type", str("RunShellScript"), "commandContent", str("true")))
	_, err := h.s.Create(p.CreateRequest{Urn: urn(commandToken, "c"), Properties: cmdIn, DryRun: true})
	require.NoError(t, err)
	invIn := h.check(invocationToken, "i", property.Map{}, props(
		"commandId", property.New(property.Computed), "instanceIds", strs(h.srv.InstanceIDs()...)))
	_, err = h.s.Create(p.CreateRequest{Urn: urn(invocationToken, "i"), Properties: invIn, DryRun: true})
	require.NoError(t, err)
	assert.Zero(t, h.mutatingCalls(), "%v", h.srv.Stats().Actions)

	// A preview of changes to existing resources mutates nothing either.
	cmdID, cmdState := h.command("c2", "true")
	invID, invState := h.create(invocationToken, "i2", h.invokeInputs(cmdID))
	before := h.mutatingCalls()
	changed := h.check(commandToken, "c2", cmdState, props("type", str("RunShellScript"), "commandContent", str("false")))
	d := h.diff(t, commandToken, "c2", cmdID, cmdState, changed)
	assert.True(t, d.HasChanges)
	_, err = h.s.Create(p.CreateRequest{Urn: urn(commandToken, "c2"), Properties: changed, DryRun: true})
	require.NoError(t, err)
	invChanged := h.check(invocationToken, "i2", invState, h.invokeInputs(cmdID, "triggers", property.New([]property.Value{str("x")})))
	_, err = h.s.Diff(p.DiffRequest{ID: invID, Urn: urn(invocationToken, "i2"), State: invState, Inputs: invChanged})
	require.NoError(t, err)
	_, err = h.s.Update(p.UpdateRequest{ID: invID, Urn: urn(invocationToken, "i2"), State: invState, Inputs: invChanged, DryRun: true})
	require.NoError(t, err)
	assert.Equal(t, before, h.mutatingCalls(), "%v", h.srv.Stats().Actions)
}

// A finished one-shot invocation whose record the service dropped (after about four weeks)
// stays in state: forgetting it would run the script again on the next up.
func TestRefreshKeepsExpiredOneShotInvocation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cmdID, _ := h.command("c", "true")
	in := h.invokeInputs(cmdID)
	_, state := h.create(invocationToken, "inv", in)
	checked := h.check(invocationToken, "inv", state, in)
	const expired = "t-expired0000000000000000000000"
	read, err := h.s.Read(p.ReadRequest{ID: expired, Urn: urn(invocationToken, "inv"), Properties: state, Inputs: checked})
	require.NoError(t, err)
	assert.Equal(t, expired, read.ID)
	assert.Equal(t, "Success", read.Properties.Get("status").AsString())
	assert.Len(t, results(t, read.Properties), 3)

	// A schedule the service no longer knows is gone, so the next up recreates it.
	periodic := state.Set("repeatMode", str("Period")).Set("frequency", str("rate(5m)")).Set("status", str("Scheduled"))
	read, err = h.s.Read(p.ReadRequest{ID: expired, Urn: urn(invocationToken, "inv"), Properties: periodic, Inputs: checked})
	require.NoError(t, err)
	assert.Empty(t, read.ID)
}

func TestInvocationInstanceOrderIsNoChange(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cmdID, _ := h.command("c", "true")
	ids := h.srv.InstanceIDs()
	id, state := h.create(invocationToken, "inv", h.invokeInputs(cmdID))
	reordered := h.invokeInputs(cmdID, "instanceIds", strs(ids[2], ids[0], ids[1]))
	checked := h.check(invocationToken, "inv", state, reordered)
	d := h.diff(t, invocationToken, "inv", id, state, checked)
	assert.False(t, d.HasChanges, "%v", d.DetailedDiff)
}
