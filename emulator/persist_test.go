package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/clock"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

func TestRestartWithDataDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fake := clock.NewFake(fakeStart)
	srv, err := New(Options{Listen: "127.0.0.1:0", DataDir: dir, MinScheduleInterval: time.Second, Clock: fake})
	require.NoError(t, err)
	c := client(t, srv)
	ids := srv.InstanceIDs()

	cmd := mkCommand(t, c, "echo persisted; touch marker", nil)
	done := mkInvoke(t, c, cmd, ids[:1], nil)
	waitStatus(t, c, done, 5*time.Second, "Success")
	slow := mkInvoke(t, c, mkCommand(t, c, "sleep 30", nil), ids[:1], nil)
	waitStatus(t, c, slow, 5*time.Second, "Running")
	periodic := mkInvoke(t, c, cmd, ids[1:2], func(r *ecs.InvokeCommandRequest) { r.RepeatMode, r.Frequency = "Period", "rate(1s)" })
	stopReq := ecs.CreateStopInstanceRequest()
	stopReq.InstanceId = ids[2]
	_, err = c.StopInstance(stopReq)
	require.NoError(t, err)
	require.NoError(t, srv.Close())

	srv2 := start(t, Options{DataDir: dir, MinScheduleInterval: time.Second, Clock: fake})
	c2 := client(t, srv2)
	assert.Equal(t, ids, srv2.InstanceIDs())
	assert.Len(t, describeCommand(t, c2, cmd), 1)

	rs := results(t, c2, done, nil)
	require.Len(t, rs, 1)
	assert.Equal(t, "Success", rs[0].InvocationStatus)
	assert.Equal(t, "persisted\n", rs[0].Output)

	rs = results(t, c2, slow, nil)
	require.Len(t, rs, 1)
	assert.Equal(t, "Error", rs[0].InvocationStatus, "a run in flight at shutdown ends with an error")
	assert.Equal(t, "ExecutionInterrupted", rs[0].ErrorCode)

	// The schedule resumes, the instance stays stopped, the sandbox keeps its files.
	before := results(t, c2, periodic, nil)[0].Repeats
	tick(t, srv2, fake, time.Second)
	assert.Greater(t, results(t, c2, periodic, nil)[0].Repeats, before)
	assert.Contains(t, []string{"Scheduled", "Running"}, describe(t, c2, periodic).InvocationStatus)
	inst := ecs.CreateDescribeInstancesRequest()
	inst.Status = "Stopped"
	resp, err := c2.DescribeInstances(inst)
	require.NoError(t, err)
	require.Len(t, resp.Instances.Instance, 1)
	assert.Equal(t, ids[2], resp.Instances.Instance[0].InstanceId)
	check := mkInvoke(t, c2, mkCommand(t, c2, "ls marker", nil), ids[:1], nil)
	waitStatus(t, c2, check, 5*time.Second, "Success")
}

func TestNoncesSurviveARestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv, err := New(Options{Listen: "127.0.0.1:0", DataDir: dir})
	require.NoError(t, err)
	// A signed request, captured on the wire.
	p := v1Params(srv)
	protocol.SignV1(http.MethodPost, p, srv.AccessKeyID(), srv.AccessKeySecret())
	ok := send(t, postQuery(t, srv, p))
	require.Equal(t, 200, ok.status, ok.body)
	require.NoError(t, srv.Close())
	// The client's pooled connection to that port died with srv; a POST sent on it before the
	// client notices fails with EOF (it is not retried), so the replay dials afresh.
	http.DefaultClient.CloseIdleConnections()

	// Replayed against the restarted emulator (same port, so the captured URL works).
	srv2 := start(t, Options{Listen: strings.TrimPrefix(srv.URL(), "http://"), DataDir: dir})
	replay := send(t, postQuery(t, srv2, p))
	assert.Equal(t, 400, replay.status)
	assert.Equal(t, "SignatureNonceUsed", replay.body["Code"])

	// Without a data directory nothing is kept: the same capture passes a fresh emulator.
	srv3 := start(t, Options{})
	fresh := send(t, postQuery(t, srv3, p))
	assert.Equal(t, 200, fresh.status, fresh.body)
}
