package provider_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/clock"
	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

const (
	runScriptType       = "RunScript"
	scheduledScriptType = "ScheduledScript"
)

func TestRunScriptCreatesChildrenAndReportsOutputs(t *testing.T) {
	t.Parallel()
	h, kids := newComponentHarness(t, emulatorOptions(2))
	ids := h.srv.InstanceIDs()
	resp, err := h.construct(runScriptType, "hello", props(
		"script", str("#!/bin/bash\necho hello from {{ACS::InstanceId}}"),
		"instanceIds", strs(ids...),
		"timeout", num(30),
		"workingDir", str("/tmp"),
		"triggers", property.New([]property.Value{str("v1")}),
	))
	require.NoError(t, err)
	assert.Equal(t, "cloudassistant:index:RunScript", string(resp.Urn.Type()))

	cmds, invs := kids.of("cloudassistant:index:Command"), kids.of("cloudassistant:index:Invocation")
	require.Len(t, cmds, 1)
	require.Len(t, invs, 1)
	assert.Equal(t, string(resp.Urn), cmds[0].Parent, "the Command is the component's child")
	assert.Equal(t, string(resp.Urn), invs[0].Parent, "the Invocation is the component's child")
	assert.Equal(t, "RunShellScript", cmds[0].Inputs.Get("type").AsString(), "type defaults to shell")
	assert.True(t, cmds[0].Inputs.Get("enableParameter").AsBool(), "built-in parameters need parameters enabled")
	assert.Equal(t, "/tmp", cmds[0].Inputs.Get("workingDir").AsString())
	assert.Equal(t, cmds[0].ID, invs[0].Inputs.Get("commandId").AsString())
	assert.Equal(t, strs("v1"), invs[0].Inputs.Get("triggers"))

	out := resp.State
	assert.Equal(t, cmds[0].ID, out.Get("commandId").AsString())
	assert.Equal(t, invs[0].ID, out.Get("invokeId").AsString())
	assert.Equal(t, "Success", out.Get("status").AsString())
	results := objects(t, out.Get("results"))
	require.Len(t, results, 2)
	outputs := stringMap(t, out.Get("outputs"))
	for _, id := range ids {
		assert.Equal(t, "hello from "+id+"\n", outputs[id])
	}
	assert.False(t, out.Get("outputs").Secret(), "no parameters: nothing to hide")
	assert.EqualValues(t, 1, h.srv.Stats().Actions["InvokeCommand"])
	assert.EqualValues(t, 2, h.srv.Stats().Executions)
}

func TestRunScriptParametersKeepOutputsSecret(t *testing.T) {
	t.Parallel()
	h, kids := newComponentHarness(t, emulatorOptions(1))
	ids := h.srv.InstanceIDs()
	resp, err := h.construct(runScriptType, "secret", props(
		"script", str("echo token={{token}}"),
		"instanceIds", strs(ids...),
		"parameters", strMap(map[string]string{"token": "s3cr3t"}).WithSecret(true),
	))
	require.NoError(t, err)
	out := resp.State
	assert.True(t, out.Get("results").Secret(), "results echo parameters: secret")
	assert.True(t, out.Get("outputs").Secret(), "outputs echo parameters: secret")
	assert.Equal(t, "token=s3cr3t\n", stringMap(t, out.Get("outputs"))[ids[0]])

	invs := kids.of("cloudassistant:index:Invocation")
	require.Len(t, invs, 1)
	assert.True(t, invs[0].State.Get("results").Secret(), "the child keeps its results secret too")
	cmds := kids.of("cloudassistant:index:Command")
	assert.True(t, cmds[0].Inputs.Get("enableParameter").AsBool())
}

func TestRunScriptFailurePolicy(t *testing.T) {
	t.Parallel()
	h, kids := newComponentHarness(t, emulatorOptions(1))
	ids := h.srv.InstanceIDs()
	_, err := h.construct(runScriptType, "boom", props(
		"script", str("echo about to fail; exit 3"), "instanceIds", strs(ids...)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), ids[0])
	assert.Contains(t, err.Error(), "exit code 3")

	resp, err := h.construct(runScriptType, "tolerated", props(
		"script", str("exit 3"), "instanceIds", strs(ids...), "failurePolicy", str("Never"),
		"type", str("RunShellScript")))
	require.NoError(t, err)
	// The enum inputs reach the children as the same strings (the wire value is unchanged).
	invs, cmds := kids.of("cloudassistant:index:Invocation"), kids.of("cloudassistant:index:Command")
	assert.Equal(t, "Never", invs[len(invs)-1].Inputs.Get("failurePolicy").AsString())
	assert.Equal(t, "RunShellScript", cmds[len(cmds)-1].Inputs.Get("type").AsString())
	assert.Equal(t, "Failed", resp.State.Get("status").AsString())
	assert.Equal(t, 3.0, objects(t, resp.State.Get("results"))[0].Get("exitCode").AsNumber())
}

func TestRunScriptAgentWaitFailsNamingInstances(t *testing.T) {
	t.Parallel()
	h, kids := newComponentHarness(t, emulator.Options{Instances: []emulator.Instance{
		{ID: "i-ready"},
		{ID: "i-noagent", AgentInstalled: boolPtr(false)},
		{ID: "i-stopped", Status: "Stopped"},
	}})
	start := time.Now()
	_, err := h.construct(runScriptType, "blocked", props(
		"script", str("echo hi"),
		"instanceIds", strs("i-ready", "i-noagent", "i-stopped"),
		"agentTimeout", num(2),
	))
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "did not come online within 2s on 2 of 3 instances")
	assert.Contains(t, msg, "i-noagent: agent not installed")
	assert.Contains(t, msg, "i-stopped: agent 2")
	assert.NotContains(t, msg, "i-ready")
	assert.GreaterOrEqual(t, time.Since(start), 2*time.Second, "the wait is bounded by agentTimeout")
	assert.Less(t, time.Since(start), 20*time.Second)
	assert.Zero(t, h.srv.Stats().Actions["InvokeCommand"], "nothing is invoked before the agents are online")
	assert.Empty(t, kids.of("cloudassistant:index:Invocation"))

	// waitForAgent: false skips the wait and lets the service report the instance.
	resp, err := h.construct(runScriptType, "unchecked", props(
		"script", str("echo hi"), "instanceIds", strs("i-ready"), "waitForAgent", boolean(false)))
	require.NoError(t, err)
	assert.Equal(t, "Success", resp.State.Get("status").AsString())
}

func TestRunScriptPreviewCallsNothing(t *testing.T) {
	t.Parallel()
	h, kids := newComponentHarness(t, emulatorOptions(1))
	resp, err := h.preview(kids, runScriptType, "preview",
		props("script", str("echo hi"), "instanceIds", strs(h.srv.InstanceIDs()...)))
	require.NoError(t, err)
	assert.Equal(t, "cloudassistant:index:RunScript", string(resp.Urn.Type()))
	for action := range h.srv.Stats().Actions {
		assert.True(t, strings.HasPrefix(action, "Describe"), "preview called %s", action)
	}
	assert.Zero(t, h.srv.Stats().Actions["DescribeCloudAssistantStatus"], "the agent wait is skipped in preview")
}

func TestScheduledScriptRunsAndStopsOnDelete(t *testing.T) {
	// Not parallel: it lowers the provider's schedule limits for the whole package.
	defer setFastSchedules()()
	opts := emulatorOptions(2)
	opts.MinScheduleInterval = time.Second
	// The emulator's schedules run on a fake clock: the test advances it instead of sleeping.
	fake := clock.NewFake(time.Now())
	opts.Clock = fake
	h, kids := newComponentHarness(t, opts)
	ids := h.srv.InstanceIDs()
	resp, err := h.construct(scheduledScriptType, "tick", props(
		"script", str("date +%s"),
		"schedule", str("*/2 * * * * ?"),
		"instanceIds", strs(ids...),
	))
	require.NoError(t, err)
	out := resp.State
	assert.Equal(t, "Scheduled", out.Get("status").AsString())
	runs := stringsOf(out.Get("nextRuns"))
	require.Len(t, runs, 5)
	for i, r := range runs {
		at, err := time.Parse(time.RFC3339, r)
		require.NoError(t, err)
		assert.Zero(t, at.Second()%2, "fires on even seconds: %s", r)
		if i > 0 {
			prev, _ := time.Parse(time.RFC3339, runs[i-1])
			assert.Equal(t, 2*time.Second, at.Sub(prev))
		}
	}

	invs := kids.of("cloudassistant:index:Invocation")
	require.Len(t, invs, 1)
	assert.Equal(t, "Period", invs[0].Inputs.Get("repeatMode").AsString())
	assert.Equal(t, "*/2 * * * * ?", invs[0].Inputs.Get("frequency").AsString())
	assert.Equal(t, invs[0].ID, out.Get("invokeId").AsString())

	// It runs periodically on every instance...
	advanceUntilExecutions(t, h.srv, fake, 4, 15*time.Second)
	assert.Equal(t, 1, h.srv.Stats().ActiveInvocations)

	// ...and deleting the children, as the engine does on destroy, stops the schedule.
	require.NoError(t, h.s.Delete(p.DeleteRequest{Urn: invs[0].URN, ID: invs[0].ID, Properties: invs[0].State}))
	cmds := kids.of("cloudassistant:index:Command")
	require.NoError(t, h.s.Delete(p.DeleteRequest{Urn: cmds[0].URN, ID: cmds[0].ID, Properties: cmds[0].State}))
	// No firing can start between the delete and this read: only the test moves the clock.
	stopped := h.srv.Stats()
	assert.Zero(t, stopped.ActiveInvocations)
	assert.Zero(t, stopped.Commands)
	fake.Advance(3 * time.Second)
	assert.Equal(t, stopped.Executions, h.srv.Stats().Executions, "no run after the stop")
}

func TestScheduledScriptNextRunsAtPreview(t *testing.T) {
	t.Parallel()
	h, kids := newComponentHarness(t, emulatorOptions(1))
	resp, err := h.preview(kids, scheduledScriptType, "nightly",
		props("script", str("echo hi"), "schedule", str("0 30 2 * * ? Asia/Shanghai"),
			"instanceIds", strs(h.srv.InstanceIDs()...)))
	require.NoError(t, err)
	runs := stringsOf(resp.State.Get("nextRuns"))
	require.Len(t, runs, 5)
	for _, r := range runs {
		assert.True(t, strings.HasSuffix(r, "T02:30:00+08:00"), "in the schedule's zone: %s", r)
	}

	_, err = h.preview(kids, scheduledScriptType, "bad",
		props("script", str("echo hi"), "schedule", str("every tuesday"), "instanceIds", strs(h.srv.InstanceIDs()...)))
	require.Error(t, err, "a bad schedule fails the preview")
	assert.Contains(t, err.Error(), `"every tuesday"`)
}

func TestRunScriptWaitsForAnAgentThatComesOnline(t *testing.T) {
	t.Parallel()
	h, kids := newComponentHarness(t, emulator.Options{Instances: []emulator.Instance{
		{ID: "i-booting", Status: "Stopped"},
	}})
	client, err := ecsclient.New(ecsclient.Options{Region: h.srv.Region(), AccessKeyID: h.srv.AccessKeyID(),
		AccessKeySecret: h.srv.AccessKeySecret(), Endpoint: h.srv.URL()})
	require.NoError(t, err)
	// The instance boots (and its agent comes online) while the component waits: once the
	// component has found its agent offline.
	booted := make(chan struct{})
	go func() {
		defer close(booted)
		for h.srv.Stats().Actions["DescribeCloudAssistantStatus"] == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		req := ecs.CreateStartInstanceRequest()
		req.InstanceId = "i-booting"
		req.RegionId = h.srv.Region()
		assert.NoError(t, client.Do(context.Background(), "starting i-booting", req, ecs.CreateStartInstanceResponse()))
	}()
	start := time.Now()
	resp, err := h.construct(runScriptType, "patient", props(
		"script", str("echo up"), "instanceIds", strs("i-booting"), "agentTimeout", num(30)))
	require.NoError(t, err)
	select {
	case <-booted:
	default:
		t.Error("it waited for the agent: the component finished before the instance booted")
	}
	assert.Less(t, time.Since(start), 15*time.Second, "and went on soon after it came online")
	assert.Equal(t, "Success", resp.State.Get("status").AsString())
	assert.Equal(t, "up\n", stringMap(t, resp.State.Get("outputs"))["i-booting"])
	assert.Len(t, kids.of("cloudassistant:index:Invocation"), 1)
	assert.Greater(t, h.srv.Stats().Actions["DescribeCloudAssistantStatus"], int64(1), "it polled")
}
