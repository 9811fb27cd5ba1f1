package emulator

import (
	"strings"
	"testing"
	"time"

	teaecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/clock"
)

// The output a run keeps, byte for byte: 24 KB (DescribeInvocationResults: Dropped is "the
// size of the Output text that was truncated and discarded because the Output value
// exceeded 24 KB"), whatever KeepCommand says, made of the first 6,000 bytes and the last
// 18,576, as the open-source agent keeps them (outputbuffer: a head quota, then a ring of
// the tail). The script starts with a partial line (no newline) and ends with one, so a
// capture that loses or splits the first or last write shows.

// partialLineScript prints "x" without a newline, 30,000 "y", then "z".
const partialLineScript = "printf x; head -c 30000 /dev/zero | tr '\\0' y; printf z"

// partialLineKept is what the service keeps of partialLineScript's 30,002 bytes.
var partialLineKept = "x" + strings.Repeat("y", 24*1024-2) + "z"

const partialLineDropped = 30002 - 24*1024

func TestOutputCaptureKeepsHeadAndTail(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{InstanceCount: 1})
	c := client(t, srv)
	for _, keep := range []bool{false, true} {
		req := ecs.CreateRunCommandRequest()
		req.Type, req.CommandContent, req.InstanceId = "RunShellScript", partialLineScript, &[]string{srv.InstanceIDs()[0]}
		req.KeepCommand = requests.NewBoolean(keep)
		resp, err := c.RunCommand(req)
		require.NoError(t, err)
		waitStatus(t, c, resp.InvokeId, 10*time.Second, "Success")
		rs := results(t, c, resp.InvokeId, nil)
		require.Len(t, rs, 1)
		assert.Equal(t, partialLineDropped, rs[0].Dropped, "KeepCommand=%v", keep)
		require.Len(t, rs[0].Output, 24*1024, "KeepCommand=%v keeps 24 KB", keep)
		assert.Equal(t, partialLineKept, rs[0].Output, "KeepCommand=%v", keep)
		assert.Equal(t, partialLineKept, describe(t, c, resp.InvokeId).InvokeInstances.InvokeInstance[0].Output)
	}
}

func TestTeaOutputCaptureKeepsHeadAndTail(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{InstanceCount: 1})
	c := teaClient(t, srv)
	region := tea.String(srv.Region())
	for _, keep := range []bool{false, true} {
		resp, err := c.RunCommand(&teaecs.RunCommandRequest{
			RegionId: region, Type: tea.String("RunShellScript"), CommandContent: tea.String(partialLineScript),
			InstanceId: []*string{tea.String(srv.InstanceIDs()[0])}, KeepCommand: tea.Bool(keep),
		})
		require.NoError(t, err)
		id := tea.StringValue(resp.Body.InvokeId)
		teaWait(t, c, srv.Region(), id, "Success")
		// Base64, the default encoding, so that the bytes are compared undecoded by the SDK.
		got, err := c.DescribeInvocationResults(&teaecs.DescribeInvocationResultsRequest{RegionId: region, InvokeId: tea.String(id)})
		require.NoError(t, err)
		rows := got.Body.Invocation.InvocationResults.InvocationResult
		require.Len(t, rows, 1)
		assert.EqualValues(t, partialLineDropped, tea.Int32Value(rows[0].Dropped), "KeepCommand=%v", keep)
		assert.Equal(t, partialLineKept, string(mustB64Decode(t, tea.StringValue(rows[0].Output))), "KeepCommand=%v", keep)
	}
}

// TestOutputCaptureInHistory: the output of a periodic run that is no longer the latest
// comes back from the store (history.go) with the same bytes and Dropped, after a restart
// with the data directory too.
func TestOutputCaptureInHistory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fake := clock.NewFake(fakeStart)
	opts := Options{Listen: "127.0.0.1:0", DataDir: dir, MinScheduleInterval: time.Second, Clock: fake, InstanceCount: 1}
	srv, err := New(opts)
	require.NoError(t, err)
	c := client(t, srv)
	inv := mkInvoke(t, c, mkCommand(t, c, partialLineScript, nil), srv.InstanceIDs(), func(r *ecs.InvokeCommandRequest) {
		r.Frequency = "rate(1s)"
	})
	tick(t, srv, fake, time.Second)
	tick(t, srv, fake, time.Second)
	check := func(c *ecs.Client) {
		t.Helper()
		hist := history(t, c, inv)
		require.Len(t, hist, 2)
		for _, h := range hist {
			assert.Equal(t, partialLineKept, h.Output)
			assert.Equal(t, partialLineDropped, h.Dropped)
		}
	}
	check(c)
	require.NoError(t, srv.Close())
	srv2 := start(t, opts)
	check(client(t, srv2))
}
