package provider_test

import (
	"strings"
	"testing"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/clock"
)

// failOnFirst fails with exit code 4 on the first emulated instance only. The emulator
// gives each instance the host name iZ<id without i->Z, as ECS does.
const failOnFirst = `case "$(hostname)" in iZemu00000000000001Z) echo "disk full on first"; exit 4;; esac; echo fine`

func TestWaitNonZeroExitReportsOutput(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cmdID, _ := h.command("boom", "echo line one; echo the real reason >&2; exit 3")
	in := h.invokeInputs(cmdID)
	resp, err := h.tryInvoke("inv", in, 0)
	require.Error(t, err)
	require.NotNil(t, resp.PartialState, "a failed run is still recorded: %v", err)
	msg := strings.Join(resp.PartialState.Reasons, "\n")
	assert.Contains(t, msg, "failed on 3 of 3 instances")
	assert.Contains(t, msg, "i-emu00000000000001: Failed, exit code 3")
	assert.Contains(t, msg, "ExitCodeNonzero")
	assert.Contains(t, msg, "the real reason")
	assert.NotEmpty(t, resp.ID)
	assert.True(t, resp.Properties.Get("rerunRequired").AsBool())
	assert.Equal(t, "Failed", resp.Properties.Get("status").AsString())

	// The next up replaces the failed run even though nothing changed.
	checked := h.check(invocationToken, "inv", resp.Properties, in)
	d := h.diff(t, invocationToken, "inv", resp.ID, resp.Properties, checked)
	assert.True(t, d.HasChanges)
	assert.Equal(t, p.UpdateReplace, d.DetailedDiff["rerunRequired"].Kind)
	// And should the engine call Update on the partial resource, it fails again, not silently.
	_, err = h.s.Update(p.UpdateRequest{ID: resp.ID, Urn: urn(invocationToken, "inv"), State: resp.Properties, Inputs: checked})
	require.Error(t, err)
}

func TestWaitTimeoutFromCustomTimeouts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cmdID, _ := h.command("slow", "sleep 20")
	start := time.Now()
	resp, err := h.tryInvoke("inv", h.invokeInputs(cmdID), 1) // customTimeouts.create = 1s
	elapsed := time.Since(start)
	require.Error(t, err)
	require.NotNil(t, resp.PartialState)
	assert.Less(t, elapsed, 3*time.Second, "the wait honours the deadline")
	msg := strings.Join(resp.PartialState.Reasons, "\n")
	assert.Contains(t, msg, "did not finish within")
	assert.Contains(t, msg, "0/3 instances finished")
	assert.False(t, resp.Properties.Get("rerunRequired").AsBool(), "the outcome is unknown, not failed")
	assert.Equal(t, "Running", resp.Properties.Get("status").AsString())

	// The next up does not start a second run beside the first: the engine calls Update on
	// the partial resource, which waits for the same run (here, again too briefly).
	in := h.invokeInputs(cmdID)
	checked := h.check(invocationToken, "inv", resp.Properties, in)
	d := h.diff(t, invocationToken, "inv", resp.ID, resp.Properties, checked)
	assert.False(t, d.HasChanges, "%v", d.DetailedDiff)
	upd, err := h.s.Update(p.UpdateRequest{ID: resp.ID, Urn: urn(invocationToken, "inv"), State: resp.Properties,
		Inputs: checked, Timeout: 1})
	require.Error(t, err)
	require.NotNil(t, upd.PartialState)
	assert.EqualValues(t, 1, h.srv.Stats().Actions["InvokeCommand"])
	// Deleting the timed-out invocation stops the running script.
	require.NoError(t, h.s.Delete(p.DeleteRequest{ID: resp.ID, Urn: urn(invocationToken, "inv"), Properties: resp.Properties}))
	assert.EqualValues(t, 1, h.srv.Stats().Actions["StopInvocation"])
}

func TestWaitServiceTimeoutStatus(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("waits for the emulated 10 s timeout")
	}
	h := newHarness(t)
	cmdID, _ := h.command("slow", "sleep 30", "timeout", num(10))
	resp, err := h.tryInvoke("inv", h.invokeInputs(cmdID, "instanceIds", strs(h.srv.InstanceIDs()[0]), "timeout", num(10)), 0)
	require.Error(t, err)
	require.NotNil(t, resp.PartialState)
	msg := strings.Join(resp.PartialState.Reasons, "\n")
	assert.Contains(t, msg, "i-emu00000000000001: Timeout")
	assert.Contains(t, msg, "ExecutionTimeout")
}

func TestWaitPartialFailureUnderEachPolicy(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	partial, _ := h.command("partial", failOnFirst)
	all, _ := h.command("all", "echo nope; exit 1")
	cases := []struct {
		command, policy string
		wantErr         bool
		status          string
	}{
		{partial, "FailIfAny", true, "PartialFailed"},
		{partial, "FailIfAll", false, "PartialFailed"},
		{partial, "Never", false, "PartialFailed"},
		{all, "FailIfAll", true, "Failed"},
		{all, "Never", false, "Failed"},
	}
	for _, c := range cases {
		name := c.policy + "-" + c.status
		t.Run(name, func(t *testing.T) {
			resp, err := h.tryInvoke(name, h.invokeInputs(c.command, "failurePolicy", str(c.policy)), 0)
			if !c.wantErr {
				require.NoError(t, err)
				assert.Equal(t, c.status, resp.Properties.Get("status").AsString())
				assert.False(t, resp.Properties.Get("rerunRequired").AsBool())
				return
			}
			require.Error(t, err)
			require.NotNil(t, resp.PartialState)
			msg := strings.Join(resp.PartialState.Reasons, "\n")
			assert.Contains(t, msg, "failurePolicy "+c.policy)
			assert.Equal(t, c.status, resp.Properties.Get("status").AsString())
			if c.command == partial {
				assert.Contains(t, msg, "failed on 1 of 3 instances")
				assert.Contains(t, msg, "i-emu00000000000001: Failed, exit code 4")
				assert.Contains(t, msg, "disk full on first")
				assert.NotContains(t, msg, "i-emu00000000000002")
			}
		})
	}
}

// A script that finishes within a second costs at most four status reads, whether it ends at
// once or near the end of that second; the outputs are read once, at the end. How fast a
// trivial one returns, beside a tight 50 ms polling loop, is measured by `make bench` (its
// "Invocation Create latency" table), not asserted here.
func TestWaitPollsAdaptively(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ids := h.srv.InstanceIDs()[:1]
	for _, script := range []string{"true", "sleep 0.9"} {
		cmd, _ := h.command(script, script)
		before := h.srv.Stats().Actions
		_, err := h.tryInvoke(script, h.invokeInputs(cmd, "instanceIds", strs(ids...)), 0)
		require.NoError(t, err)
		after := h.srv.Stats().Actions
		// One more: the Create's look-up of batches an interrupted update started (adopt.go).
		assert.LessOrEqual(t, after["DescribeInvocations"]-before["DescribeInvocations"], int64(4+1), "%s: status reads", script)
		assert.Equal(t, int64(1), after["DescribeInvocationResults"]-before["DescribeInvocationResults"], "%s: output reads", script)
	}
}

func TestNoWait(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cmdID, _ := h.command("slow", "sleep 5")
	resp, err := h.tryInvoke("inv", h.invokeInputs(cmdID, "waitForCompletion", boolean(false)), 0)
	require.NoError(t, err)
	// Create returned while the script still runs: it neither polled nor read outputs.
	assert.Equal(t, 1, h.srv.Stats().ActiveInvocations, "the script is still pending or running")
	assert.Equal(t, int64(1), h.srv.Stats().Actions["DescribeInvocations"], "only the adoption look-up")
	assert.Zero(t, h.srv.Stats().Actions["DescribeInvocationResults"])
	assert.False(t, resp.Properties.Get("rerunRequired").AsBool())
}

// Deleting a periodic invocation stops its schedule: no run starts afterwards.
func TestPeriodicInvocationStopsOnDelete(t *testing.T) { //nolint:paralleltest // lowers global limits
	defer setFastSchedules()()
	// The emulator's schedules run on a fake clock: the test advances it instead of sleeping.
	fake := clock.NewFake(time.Now())
	h := newHarnessWith(t, emulator.Options{Clock: fake})
	cmdID, _ := h.command("tick", "date +%s")
	in := h.invokeInputs(cmdID, "instanceIds", strs(h.srv.InstanceIDs()[0]), "repeatMode", str("Period"),
		"frequency", str("rate(1s)"))
	id, state := h.create(invocationToken, "tick", in)
	assert.Equal(t, "Scheduled", state.Get("status").AsString())
	advanceUntilExecutions(t, h.srv, fake, 2, 5*time.Second)

	// Replacing a schedule deletes the old one first.
	checked := h.check(invocationToken, "tick", state, in.Set("frequency", str("rate(2s)")))
	d := h.diff(t, invocationToken, "tick", id, state, checked)
	assert.True(t, d.DeleteBeforeReplace)

	require.NoError(t, h.s.Delete(p.DeleteRequest{ID: id, Urn: urn(invocationToken, "tick"), Properties: state}))
	assert.Zero(t, h.srv.Stats().ActiveInvocations)
	after := h.srv.Stats().Executions
	fake.Advance(2500 * time.Millisecond)
	assert.Equal(t, after, h.srv.Stats().Executions, "no run after the delete")
}

func TestSecretsStaySecret(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const secret = "hunter2-very-secret"
	cmdID, _ := h.command("echo", "echo token={{token}}", "enableParameter", boolean(true))
	params := strMap(map[string]string{"token": secret})

	resp, err := h.tryInvoke("inv", h.invokeInputs(cmdID, "parameters", params), 0)
	require.NoError(t, err)
	assert.True(t, resp.Properties.Get("parameters").Secret(), "parameters are always secret")
	assert.True(t, resp.Properties.Get("results").Secret(), "results are secret by default with parameters")
	assertNoPlainSecret(t, resp.Properties, secret)
	// The secret is really there, behind the mark.
	assert.Contains(t, results(t, resp.Properties)[0].Get("output").AsString(), secret)

	// Opting out of secret results, the failure message still masks parameter values.
	failing, _ := h.command("fail", "echo token={{token}}; exit 2", "enableParameter", boolean(true))
	resp, err = h.tryInvoke("bad", h.invokeInputs(failing, "parameters", params, "secretResults", boolean(false)), 0)
	require.Error(t, err)
	require.NotNil(t, resp.PartialState)
	msg := strings.Join(resp.PartialState.Reasons, "\n") + err.Error()
	assert.NotContains(t, msg, secret)
	assert.Contains(t, msg, "token=[secret]")

	// secretResults without parameters hides output too.
	plainCmd, _ := h.command("plain", "echo nothing secret")
	resp, err = h.tryInvoke("s", h.invokeInputs(plainCmd, "secretResults", boolean(true)), 0)
	require.NoError(t, err)
	assert.True(t, resp.Properties.Get("results").Secret())
	resp, err = h.tryInvoke("p", h.invokeInputs(plainCmd), 0)
	require.NoError(t, err)
	assert.False(t, resp.Properties.Get("results").Secret())
}

func assertNoPlainSecret(t *testing.T, m property.Map, secret string) {
	t.Helper()
	var walk func(path string, v property.Value)
	walk = func(path string, v property.Value) {
		switch {
		case v.Secret():
			return
		case v.IsString():
			assert.NotContains(t, v.AsString(), secret, "plain value at %s", path)
		case v.IsArray():
			for i, e := range v.AsArray().AsSlice() {
				walk(path+"["+string(rune('0'+i))+"]", e)
			}
		case v.IsMap():
			for k, e := range v.AsMap().All {
				walk(path+"."+k, e)
			}
		}
	}
	for k, v := range m.All {
		walk(k, v)
	}
}

// Refresh and import keep results secret too: a refresh must not write output in the clear.
func TestSecretsSurviveRefreshAndImport(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const secret = "refresh-secret-value"
	cmdID, _ := h.command("echo", "echo token={{token}}", "enableParameter", boolean(true))
	in := h.invokeInputs(cmdID, "parameters", strMap(map[string]string{"token": secret}))
	resp, err := h.tryInvoke("inv", in, 0)
	require.NoError(t, err)
	checked := h.check(invocationToken, "inv", resp.Properties, in)
	refreshed, err := h.s.Read(p.ReadRequest{ID: resp.ID, Urn: urn(invocationToken, "inv"), Properties: resp.Properties, Inputs: checked})
	require.NoError(t, err)
	assert.True(t, refreshed.Properties.Get("results").Secret(), "results after refresh")
	assertNoPlainSecret(t, refreshed.Properties, secret)
	assertNoPlainSecret(t, refreshed.Inputs, secret)

	imported, err := h.s.Read(p.ReadRequest{ID: resp.ID, Urn: urn(invocationToken, "inv")})
	require.NoError(t, err)
	assertNoPlainSecret(t, imported.Properties, secret)
	assertNoPlainSecret(t, imported.Inputs, secret)
}

// After a wait that ended early, the next up waits for the same run and judges it: a
// success is accepted, a failure is reported and marked for a re-run, never accepted.
func TestNextUpResumesAnUnfinishedRun(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, c := range []struct {
		script string
		ok     bool
	}{{"sleep 2; echo done", true}, {"sleep 2; echo broken; exit 9", false}} {
		cmdID, _ := h.command("c", c.script)
		in := h.invokeInputs(cmdID, "instanceIds", strs(h.srv.InstanceIDs()[0]))
		resp, err := h.tryInvoke("inv", in, 1)
		require.Error(t, err)
		checked := h.check(invocationToken, "inv", resp.Properties, in)
		upd, err := h.s.Update(p.UpdateRequest{ID: resp.ID, Urn: urn(invocationToken, "inv"), State: resp.Properties, Inputs: checked})
		if c.ok {
			require.NoError(t, err)
			assert.Equal(t, "Success", upd.Properties.Get("status").AsString())
			assert.False(t, upd.Properties.Get("rerunRequired").AsBool())
			continue
		}
		require.Error(t, err)
		require.NotNil(t, upd.PartialState)
		assert.Contains(t, strings.Join(upd.PartialState.Reasons, "\n"), "exit code 9")
		assert.True(t, upd.Properties.Get("rerunRequired").AsBool())
		d := h.diff(t, invocationToken, "inv", resp.ID, upd.Properties, checked)
		assert.True(t, d.HasChanges, "a failed run is replaced by the up after")
	}
}
