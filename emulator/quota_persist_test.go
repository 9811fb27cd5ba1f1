package emulator

import (
	"testing"
	"time"

	teaecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/clock"
)

// TestDailyQuotaSurvivesRestart: with a data directory, the calls a day has taken stay
// taken after a restart (through the classic SDK before it, the Tea SDK after), and the next
// UTC day starts afresh.
func TestDailyQuotaSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fake := clock.NewFake(fakeStart)
	opts := Options{Listen: "127.0.0.1:0", DataDir: dir, DailyInvokeQuota: 2, Clock: fake, InstanceCount: 1}
	srv, err := New(opts)
	require.NoError(t, err)
	c := client(t, srv)
	cmd := mkCommand(t, c, "true", nil)
	ids := srv.InstanceIDs()
	mkInvoke(t, c, cmd, ids, nil)
	mkInvoke(t, c, cmd, ids, nil)
	require.NoError(t, srv.Close())

	srv2 := start(t, opts)
	tc := teaClient(t, srv2)
	invoke := &teaecs.InvokeCommandRequest{
		RegionId: tea.String(srv2.Region()), CommandId: tea.String(cmd), InstanceId: []*string{tea.String(ids[0])},
	}
	_, err = tc.InvokeCommand(invoke)
	requireTeaDocumented(t, err, "Invocation.ExceedQuota", 403, "The invocation quota in the current region has been reached for today.")

	fake.Advance(24 * time.Hour)
	_, err = tc.InvokeCommand(invoke)
	require.NoError(t, err, "a new UTC day has a new quota")
	require.NoError(t, srv2.Close())

	// The new day's count (one call) is what the next process finds.
	srv3 := start(t, opts)
	c3 := client(t, srv3)
	mkInvoke(t, c3, cmd, ids, nil)
	req := ecs.CreateInvokeCommandRequest()
	req.CommandId, req.InstanceId = cmd, &ids
	_, err = c3.InvokeCommand(req)
	requireCode(t, err, "Invocation.ExceedQuota", 403)

}
