package emulator

import (
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/clock"
)

func history(t *testing.T, c *ecs.Client, inv string) []ecs.InvocationResult {
	return results(t, c, inv, func(r *ecs.DescribeInvocationResultsRequest) {
		r.IncludeHistory = requests.NewBoolean(true)
		r.PageSize = requests.NewInteger(50)
	})
}

// fakeStart is where fake clocks start: on a whole second, so cron firings fall on round times.
var fakeStart = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// tick advances the fake clock by d and waits until the runs it started have ended.
func tick(t *testing.T, srv *Server, fake *clock.Fake, d time.Duration) {
	t.Helper()
	fake.Advance(d)
	require.Eventually(t, func() bool { return srv.cloud.RunningCount() == 0 }, 5*time.Second, time.Millisecond)
}

func TestPeriodicSchedules(t *testing.T) {
	t.Parallel()
	for _, freq := range []string{"*/1 * * * * ?", "rate(1s)"} {
		t.Run(freq, func(t *testing.T) {
			t.Parallel()
			fake := clock.NewFake(fakeStart)
			srv := start(t, Options{MinScheduleInterval: time.Second, Clock: fake})
			c := client(t, srv)
			inv := mkInvoke(t, c, mkCommand(t, c, "echo tick", nil), srv.InstanceIDs()[:1], func(r *ecs.InvokeCommandRequest) { r.RepeatMode, r.Frequency = "Period", freq })
			got := describe(t, c, inv)
			assert.Equal(t, "Scheduled", got.InvocationStatus)
			assert.Equal(t, "Running", got.InvokeStatus, "periodic tasks stay Running in the legacy status")
			assert.True(t, got.Timed)
			assert.Equal(t, freq, got.Frequency)
			before := history(t, c, inv)
			require.Len(t, before, 1, "the instance's current state only")
			assert.Zero(t, before[0].Repeats, "nothing before the first firing")

			tick(t, srv, fake, time.Second)
			tick(t, srv, fake, time.Second)
			hist := history(t, c, inv)
			require.Len(t, hist, 2, "one run per second")
			for _, h := range hist {
				assert.Equal(t, "Success", h.InvocationStatus)
				assert.Equal(t, "tick\n", h.Output)
			}
			assert.Equal(t, fakeStart.Add(2*time.Second).Format("2006-01-02T15:04:05Z"), hist[0].StartTime, "the newest first, at the fake time")
			latest := results(t, c, inv, nil)
			require.Len(t, latest, 1)
			assert.Equal(t, 2, latest[0].Repeats)
			assert.Equal(t, "Scheduled", describe(t, c, inv).InvocationStatus)

			stop := ecs.CreateStopInvocationRequest()
			stop.InvokeId = inv
			_, err := c.StopInvocation(stop)
			require.NoError(t, err)
			assert.Equal(t, "Stopped", describe(t, c, inv).InvocationStatus)
			tick(t, srv, fake, 10*time.Second)
			assert.Len(t, history(t, c, inv), 2, "no run after StopInvocation")
		})
	}
}

func TestAtScheduleRunsOnce(t *testing.T) {
	t.Parallel()
	fake := clock.NewFake(fakeStart)
	srv := start(t, Options{Clock: fake})
	c := client(t, srv)
	cmd := mkCommand(t, c, "echo once", nil)
	when := fakeStart.Add(90 * time.Second).Format("2006-01-02 15:04:05")
	inv := mkInvoke(t, c, cmd, srv.InstanceIDs()[:1], func(r *ecs.InvokeCommandRequest) {
		r.Timed, r.Frequency = requests.NewBoolean(true), "at("+when+" UTC)"
	})
	got := describe(t, c, inv)
	assert.Equal(t, "Period", got.RepeatMode, "Timed with a Frequency is Period")
	tick(t, srv, fake, 89*time.Second)
	assert.Zero(t, results(t, c, inv, nil)[0].Repeats, "not yet")
	tick(t, srv, fake, time.Second)
	got = describe(t, c, inv)
	assert.Equal(t, "Success", got.InvocationStatus)
	assert.Equal(t, "Finished", got.InvokeStatus)
	tick(t, srv, fake, time.Hour)
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
