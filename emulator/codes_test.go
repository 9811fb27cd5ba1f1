package emulator

import (
	"net/http"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/clock"
)

func TestBadCronExpression(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	ids := srv.InstanceIDs()
	cmd := mkCommand(t, c, "echo never", nil)

	// Syntactically valid, but its only year is over: accepted, then Invalid on every instance.
	inv := mkInvoke(t, c, cmd, ids[:2], func(r *ecs.InvokeCommandRequest) { r.RepeatMode, r.Frequency = "Period", "0 0 0 1 1 ? 2020" })
	got := waitStatus(t, c, inv, 5*time.Second, "Failed")
	assert.Equal(t, "Failed", got.InvokeStatus)
	rs := results(t, c, inv, nil)
	require.Len(t, rs, 2)
	for _, r := range rs {
		assert.Equal(t, "Invalid", r.InvocationStatus)
		assert.Equal(t, "BadCronExpression", r.ErrorCode)
		assert.NotEmpty(t, r.ErrorInfo)
	}
	assert.Zero(t, srv.Stats().Executions)
	assert.Zero(t, srv.Stats().ActiveInvocations)

	// A syntax error is still refused at InvokeCommand.
	req := ecs.CreateInvokeCommandRequest()
	req.CommandId, req.InstanceId, req.RepeatMode, req.Frequency = cmd, &[]string{ids[0]}, "Period", "0 0 0 32 1 ? 2020"
	_, err := c.InvokeCommand(req)
	requireCode(t, err, "InvalidParam.Frequency", 400)
}

func TestReleaseInstance(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv, err := New(Options{Listen: "127.0.0.1:0", DataDir: dir, Instances: []Instance{{ID: "i-a"}, {ID: "i-b"}, {ID: "i-c"}}})
	require.NoError(t, err)
	c := client(t, srv)
	cmd := mkCommand(t, c, "sleep 30", nil)
	running := mkInvoke(t, c, cmd, []string{"i-a", "i-b"}, nil)
	waitStatus(t, c, running, 5*time.Second, "Running")

	require.NoError(t, srv.ReleaseInstance("i-a"))
	require.ErrorContains(t, srv.ReleaseInstance("i-a"), "InvalidInstanceId.NotFound")
	// The admin endpoint does the same.
	resp := control(t, srv, http.MethodPost, "/_emulator/release?InstanceId=i-c")
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	resp = control(t, srv, http.MethodPost, "/_emulator/release?InstanceId=i-c")
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, []string{"i-b"}, srv.InstanceIDs())

	require.Eventually(t, func() bool {
		rs := results(t, c, running, func(r *ecs.DescribeInvocationResultsRequest) { r.InstanceId = "i-a" })
		return len(rs) == 1 && rs[0].InvocationStatus == "Invalid"
	}, 5*time.Second, 10*time.Millisecond)
	rs := results(t, c, running, func(r *ecs.DescribeInvocationResultsRequest) { r.InstanceId = "i-a" })
	assert.Equal(t, "InstanceNotExists", rs[0].ErrorCode)
	assert.NotEmpty(t, rs[0].ErrorInfo)
	assert.Equal(t, "Running", describe(t, c, running).InvocationStatus, "i-b still runs")

	req := ecs.CreateInvokeCommandRequest()
	req.CommandId, req.InstanceId = cmd, &[]string{"i-a"}
	_, err = c.InvokeCommand(req)
	requireCode(t, err, "InvalidInstance.NotFound", 404)
	require.NoError(t, srv.Close())

	// The release is persisted: the configured instance is not created again.
	srv2 := start(t, Options{DataDir: dir, Instances: []Instance{{ID: "i-a"}, {ID: "i-b"}, {ID: "i-c"}}})
	assert.Equal(t, []string{"i-b"}, srv2.InstanceIDs())
	c2 := client(t, srv2)
	rs = results(t, c2, running, func(r *ecs.DescribeInvocationResultsRequest) { r.InstanceId = "i-a" })
	require.Len(t, rs, 1)
	assert.Equal(t, "InstanceNotExists", rs[0].ErrorCode)
	req = ecs.CreateInvokeCommandRequest()
	req.CommandId, req.InstanceId = cmd, &[]string{"i-a"}
	_, err = c2.InvokeCommand(req)
	requireCode(t, err, "InvalidInstance.NotFound", 404)
}

func TestDeliveryTimeout(t *testing.T) {
	t.Parallel()
	off := false
	fake := clock.NewFake(time.Now().UTC().Truncate(time.Second))
	srv := start(t, Options{Clock: fake, Instances: []Instance{
		{ID: "i-on"}, {ID: "i-off", AgentOnline: &off}, {ID: "i-off2", AgentOnline: &off},
	}})
	c := client(t, srv)
	cmd := mkCommand(t, c, "echo hi", nil)

	st := ecs.CreateDescribeCloudAssistantStatusRequest()
	st.InstanceId = &[]string{"i-on", "i-off"}
	resp, err := c.DescribeCloudAssistantStatus(st)
	require.NoError(t, err)
	rows := resp.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus
	require.Len(t, rows, 2)
	assert.Equal(t, "true", rows[1].CloudAssistantStatus, rows[1].InstanceId)
	assert.Equal(t, "i-off", rows[0].InstanceId)
	assert.Equal(t, "false", rows[0].CloudAssistantStatus)
	assert.NotEmpty(t, rows[0].CloudAssistantVersion, "the client is installed")
	hb, err := time.Parse("2006-01-02T15:04:05Z", rows[0].LastHeartbeatTime)
	require.NoError(t, err)
	assert.Less(t, hb, time.Now().Add(-30*time.Minute), "an offline client's heartbeat is old")

	inv := mkInvoke(t, c, cmd, []string{"i-on", "i-off"}, nil)
	stopped := mkInvoke(t, c, cmd, []string{"i-off"}, nil)
	released := mkInvoke(t, c, cmd, []string{"i-off2"}, nil)
	rs := results(t, c, inv, func(r *ecs.DescribeInvocationResultsRequest) { r.InstanceId = "i-off" })
	require.Len(t, rs, 1)
	assert.Equal(t, "Pending", rs[0].InvocationStatus, "not delivered yet")

	stop := ecs.CreateStopInvocationRequest()
	stop.InvokeId = stopped
	_, err = c.StopInvocation(stop)
	require.NoError(t, err)
	require.NoError(t, srv.ReleaseInstance("i-off2"))
	// i-on's run ends first, so that moving the clock a minute does not time it out.
	require.Eventually(t, func() bool {
		rs := results(t, c, inv, func(r *ecs.DescribeInvocationResultsRequest) { r.InstanceId = "i-on" })
		return len(rs) == 1 && rs[0].InvocationStatus == "Success"
	}, 10*time.Second, time.Millisecond)
	fake.Advance(time.Minute - time.Millisecond)
	rs = results(t, c, inv, func(r *ecs.DescribeInvocationResultsRequest) { r.InstanceId = "i-off" })
	assert.Equal(t, "Pending", rs[0].InvocationStatus, "the delivery window is one minute")
	fake.Advance(time.Millisecond)

	got := waitStatus(t, c, inv, 5*time.Second, "PartialFailed")
	assert.Equal(t, "PartialFailed", got.InvokeStatus)
	rs = results(t, c, inv, func(r *ecs.DescribeInvocationResultsRequest) { r.InstanceId = "i-off" })
	require.Len(t, rs, 1)
	assert.Equal(t, "Aborted", rs[0].InvocationStatus)
	assert.Equal(t, "DeliveryTimeout", rs[0].ErrorCode)
	assert.NotEmpty(t, rs[0].ErrorInfo)

	// A run stopped or released while it waited is not timed out afterwards.
	rs = results(t, c, stopped, nil)
	require.Len(t, rs, 1)
	assert.Equal(t, "Cancelled", rs[0].InvocationStatus)
	assert.Empty(t, rs[0].ErrorCode)
	rs = results(t, c, released, nil)
	require.Len(t, rs, 1)
	assert.Equal(t, "Invalid", rs[0].InvocationStatus)
	assert.Equal(t, "InstanceNotExists", rs[0].ErrorCode)
	assert.Equal(t, int64(1), srv.Stats().Executions, "only i-on ran the script")
}
