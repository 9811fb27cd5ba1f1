package emulator

import (
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func history(t *testing.T, c *ecs.Client, inv string) []ecs.InvocationResult {
	return results(t, c, inv, func(r *ecs.DescribeInvocationResultsRequest) {
		r.IncludeHistory = requests.NewBoolean(true)
		r.PageSize = requests.NewInteger(50)
	})
}

func TestPeriodicSchedules(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{MinScheduleInterval: time.Second})
	c := client(t, srv)
	ids := srv.InstanceIDs()
	cmd := mkCommand(t, c, "echo tick", nil)

	for _, freq := range []string{"*/1 * * * * ?", "rate(1s)"} {
		t.Run(freq, func(t *testing.T) {
			t.Parallel()
			c := client(t, srv) // the SDK client is not safe for concurrent use
			inv := mkInvoke(t, c, cmd, ids[:1], func(r *ecs.InvokeCommandRequest) { r.RepeatMode, r.Frequency = "Period", freq })
			got := describe(t, c, inv)
			assert.Equal(t, "Scheduled", got.InvocationStatus)
			assert.Equal(t, "Running", got.InvokeStatus, "periodic tasks stay Running in the legacy status")
			assert.True(t, got.Timed)
			assert.Equal(t, freq, got.Frequency)

			require.Eventually(t, func() bool { return len(history(t, c, inv)) >= 2 }, 6*time.Second, 50*time.Millisecond)
			latest := results(t, c, inv, nil)
			require.Len(t, latest, 1)
			assert.GreaterOrEqual(t, latest[0].Repeats, 2)
			for _, h := range history(t, c, inv) {
				assert.Contains(t, []string{"Success", "Running"}, h.InvocationStatus)
				if h.InvocationStatus == "Success" {
					assert.Equal(t, "tick\n", h.Output)
				}
			}

			stop := ecs.CreateStopInvocationRequest()
			stop.InvokeId = inv
			_, err := c.StopInvocation(stop)
			require.NoError(t, err)
			waitStatus(t, c, inv, 3*time.Second, "Stopped")
			n := len(history(t, c, inv))
			time.Sleep(1500 * time.Millisecond)
			assert.Len(t, history(t, c, inv), n, "no run after StopInvocation")
		})
	}
}

func TestAtScheduleRunsOnce(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	cmd := mkCommand(t, c, "echo once", nil)
	when := time.Now().UTC().Add(1500 * time.Millisecond).Format("2006-01-02 15:04:05")
	inv := mkInvoke(t, c, cmd, srv.InstanceIDs()[:1], func(r *ecs.InvokeCommandRequest) {
		r.Timed, r.Frequency = requests.NewBoolean(true), "at("+when+" UTC)"
	})
	got := describe(t, c, inv)
	assert.Equal(t, "Period", got.RepeatMode, "Timed with a Frequency is Period")
	got = waitStatus(t, c, inv, 5*time.Second, "Success")
	assert.Equal(t, "Finished", got.InvokeStatus)
	assert.Len(t, history(t, c, inv), 1)
}

func TestRebootModes(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	id := srv.InstanceIDs()[0]
	cmd := mkCommand(t, c, "echo booted", nil)
	next := mkInvoke(t, c, cmd, []string{id}, func(r *ecs.InvokeCommandRequest) { r.RepeatMode = "NextRebootOnly" })
	every := mkInvoke(t, c, cmd, []string{id}, func(r *ecs.InvokeCommandRequest) { r.RepeatMode = "EveryReboot" })
	assert.Equal(t, "Scheduled", describe(t, c, next).InvocationStatus)
	assert.Equal(t, "Scheduled", describe(t, c, every).InvocationStatus)
	assert.EqualValues(t, 0, srv.Stats().Executions)

	reboot := func() {
		req := ecs.CreateRebootInstanceRequest()
		req.InstanceId = id
		_, err := c.RebootInstance(req)
		require.NoError(t, err)
	}
	reboot()
	waitStatus(t, c, next, 5*time.Second, "Success")
	require.Eventually(t, func() bool {
		return len(history(t, c, every)) == 1 && history(t, c, every)[0].InvocationStatus == "Success"
	},
		5*time.Second, 10*time.Millisecond)
	assert.Equal(t, "Scheduled", describe(t, c, every).InvocationStatus)

	reboot()
	require.Eventually(t, func() bool {
		return len(history(t, c, every)) == 2 && history(t, c, every)[0].InvocationStatus == "Success"
	},
		5*time.Second, 10*time.Millisecond)
	assert.Len(t, history(t, c, next), 1, "NextRebootOnly runs on the next reboot only")
	assert.Equal(t, "Success", describe(t, c, next).InvocationStatus)

	// Starting a stopped instance is a boot too.
	stopReq := ecs.CreateStopInstanceRequest()
	stopReq.InstanceId = id
	_, err := c.StopInstance(stopReq)
	require.NoError(t, err)
	startReq := ecs.CreateStartInstanceRequest()
	startReq.InstanceId = id
	_, err = c.StartInstance(startReq)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(history(t, c, every)) == 3 }, 5*time.Second, 10*time.Millisecond)
}

func TestRebootInterruptsRunningScript(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	id := srv.InstanceIDs()[0]
	inv := mkInvoke(t, c, mkCommand(t, c, "sleep 30", nil), []string{id}, nil)
	waitStatus(t, c, inv, 5*time.Second, "Running")
	req := ecs.CreateRebootInstanceRequest()
	req.InstanceId = id
	_, err := c.RebootInstance(req)
	require.NoError(t, err)
	waitStatus(t, c, inv, 5*time.Second, "Failed")
	rs := results(t, c, inv, nil)
	assert.Equal(t, "Error", rs[0].InvocationStatus)
	assert.Equal(t, "ExecutionInterrupted", rs[0].ErrorCode)
}
