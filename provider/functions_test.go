package provider_test

import (
	"testing"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
)

func TestGetCommandByIDAndName(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id, _ := h.command("lookup", "#!/bin/bash\necho {{greeting}} {{ACS::InstanceId}}",
		"name", str("lookup-me"), "enableParameter", boolean(true), "timeout", num(42),
		"description", str("for getCommand"), "workingDir", str("/tmp"),
		"tags", strMap(map[string]string{"team": "ops"}))

	byID := h.invoke("getCommand", props("commandId", str(id)))
	byName := h.invoke("getCommand", props("name", str("lookup-me")))
	assert.Equal(t, byID, byName)

	assert.Equal(t, id, byID.Get("commandId").AsString())
	assert.Equal(t, "lookup-me", byID.Get("name").AsString())
	assert.Equal(t, "RunShellScript", byID.Get("type").AsString())
	assert.Equal(t, "#!/bin/bash\necho {{greeting}} {{ACS::InstanceId}}", byID.Get("commandContent").AsString(),
		"content comes back as plain text, not Base64")
	assert.Equal(t, "PlainText", byID.Get("contentEncoding").AsString())
	assert.Equal(t, "for getCommand", byID.Get("description").AsString())
	assert.Equal(t, "/tmp", byID.Get("workingDir").AsString())
	assert.Equal(t, 42.0, byID.Get("timeout").AsNumber())
	assert.True(t, byID.Get("enableParameter").AsBool())
	assert.Equal(t, strs("greeting"), byID.Get("parameterNames"), "built-in ACS:: names are not custom parameters")
	assert.Equal(t, strMap(map[string]string{"team": "ops"}), byID.Get("tags"))
	assert.NotEmpty(t, byID.Get("creationTime").AsString())
}

func TestGetCommandErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.command("twin-a", "true", "name", str("twin"))
	h.command("twin-b", "true", "name", str("twin"))
	h.command("twins", "true", "name", str("twins")) // a longer name is not a match

	cases := map[string]struct {
		args property.Map
		want []string
	}{
		"neither":   {props(), []string{"exactly one of commandId and name"}},
		"both":      {props("commandId", str("c-1"), "name", str("x")), []string{"exactly one"}},
		"unknownID": {props("commandId", str("c-00000000000000000000000000000000")), []string{"c-00000000000000000000000000000000", "not found"}},
		"noName":    {props("name", str("nobody")), []string{`no command is named "nobody"`}},
		"ambiguous": {props("name", str("twin")), []string{`2 commands are named "twin"`, "commandId"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := h.s.Invoke(p.InvokeRequest{Token: "cloudassistant:index:getCommand", Args: tc.args})
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestGetInvocation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ids := h.srv.InstanceIDs()
	cmdID, _ := h.command("greet", "echo hello from {{ACS::InstanceId}}", "enableParameter", boolean(true))
	invID, _ := h.create(invocationToken, "greet", props("commandId", str(cmdID), "instanceIds", strs(ids...)))

	got := h.invoke("getInvocation", props("invokeId", str(invID)))
	assert.Equal(t, invID, got.Get("invokeId").AsString())
	assert.Equal(t, cmdID, got.Get("commandId").AsString())
	assert.Equal(t, "Success", got.Get("status").AsString())
	assert.Equal(t, "Once", got.Get("repeatMode").AsString())
	assert.ElementsMatch(t, ids, stringsOf(got.Get("instanceIds")))
	results := objects(t, got.Get("results"))
	require.Len(t, results, len(ids))
	for _, r := range results {
		id := r.Get("instanceId").AsString()
		assert.Equal(t, "Success", r.Get("status").AsString())
		assert.Equal(t, 0.0, r.Get("exitCode").AsNumber())
		assert.Equal(t, "hello from "+id+"\n", r.Get("output").AsString(), "output is decoded text")
	}
	outputs := stringMap(t, got.Get("outputs"))
	for _, id := range ids {
		assert.Equal(t, "hello from "+id+"\n", outputs[id])
	}
	assert.False(t, got.Get("results").Secret(), "function outputs are plain, so Go's ctx.Invoke works")

	_, err := h.s.Invoke(p.InvokeRequest{Token: "cloudassistant:index:getInvocation",
		Args: props("invokeId", str("t-doesnotexist"))})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "t-doesnotexist")
}

func TestGetInvocationWithHistory(t *testing.T) {
	// Not parallel: it lowers the provider's schedule limits for the whole package.
	defer setFastSchedules()()
	srv := emulatorOptions(1)
	srv.MinScheduleInterval = time.Second
	h, _ := newComponentHarness(t, srv)
	id := h.srv.InstanceIDs()[0]
	cmdID, _ := h.command("tick", "date +%s%N")
	invID, state := h.create(invocationToken, "tick", props("commandId", str(cmdID), "instanceIds", strs(id),
		"repeatMode", str("Period"), "frequency", str("* * * * * ?")))
	t.Cleanup(func() {
		_ = h.s.Delete(p.DeleteRequest{Urn: urn(invocationToken, "tick"), ID: invID, Properties: state})
	})
	require.Eventually(t, func() bool { return h.srv.Stats().Executions >= 3 }, 20*time.Second, 100*time.Millisecond)

	latest := objects(t, h.invoke("getInvocation", props("invokeId", str(invID))).Get("results"))
	assert.Len(t, latest, 1, "without history: one row per instance")
	all := h.invoke("getInvocation", props("invokeId", str(invID), "includeHistory", boolean(true)))
	history := objects(t, all.Get("results"))
	assert.GreaterOrEqual(t, len(history), 3, "with history: one row per run")
	outputs := map[string]bool{}
	for _, r := range history {
		assert.Equal(t, id, r.Get("instanceId").AsString())
		outputs[r.Get("output").AsString()] = true
	}
	assert.GreaterOrEqual(t, len(outputs), 2, "each run has its own output")
	assert.Equal(t, "* * * * * ?", all.Get("frequency").AsString())
	assert.Equal(t, "Period", all.Get("repeatMode").AsString())
}

func TestGetAgentStatus(t *testing.T) {
	t.Parallel()
	h, _ := newComponentHarness(t, emulator.Options{Instances: []emulator.Instance{
		{ID: "i-online"},
		{ID: "i-noagent", AgentInstalled: boolPtr(false)},
		{ID: "i-stopped", Status: "Stopped"},
		{ID: "i-windows", OSType: "windows"},
	}})
	got := h.invoke("getAgentStatus", props("instanceIds", strs("i-online", "i-noagent", "i-stopped", "i-windows", "i-unknown")))
	assert.False(t, got.Get("allOnline").AsBool())
	assert.Equal(t, []string{"i-noagent", "i-stopped", "i-unknown"}, stringsOf(got.Get("offlineInstanceIds")))

	byID := map[string]property.Map{}
	var order []string
	for _, s := range objects(t, got.Get("instances")) {
		byID[s.Get("instanceId").AsString()] = s
		order = append(order, s.Get("instanceId").AsString())
	}
	assert.Equal(t, []string{"i-online", "i-noagent", "i-stopped", "i-windows", "i-unknown"}, order)
	type want struct {
		installed, online bool
		os                string
		heartbeat         bool
	}
	for id, w := range map[string]want{
		"i-online":  {true, true, "Linux", true},
		"i-noagent": {false, false, "Linux", false},
		"i-stopped": {true, false, "Linux", false},
		"i-windows": {true, true, "Windows", true},
		"i-unknown": {false, false, "", false},
	} {
		s := byID[id]
		assert.Equal(t, w.installed, s.Get("installed").AsBool(), id)
		assert.Equal(t, w.online, s.Get("online").AsBool(), id)
		assert.Equal(t, w.os, s.Get("osType").AsString(), id)
		assert.Equal(t, w.heartbeat, s.Get("lastHeartbeatTime").AsString() != "", id)
		assert.Equal(t, w.installed, s.Get("version").AsString() != "", id)
	}

	all := h.invoke("getAgentStatus", props("instanceIds", strs("i-online", "i-windows")))
	assert.True(t, all.Get("allOnline").AsBool())
	assert.Empty(t, stringsOf(all.Get("offlineInstanceIds")))
}

// emulatorOptions makes n Linux instances with the agent online.
func emulatorOptions(n int) emulator.Options {
	return emulator.Options{InstanceCount: n}
}

func stringsOf(v property.Value) []string {
	out := []string{}
	for _, e := range v.WithSecret(false).AsArray().All {
		out = append(out, e.AsString())
	}
	return out
}
