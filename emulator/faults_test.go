package emulator

import (
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/clock"
)

func TestFaults(t *testing.T) {
	t.Parallel()
	t.Run("throttling", func(t *testing.T) {
		t.Parallel()
		srv := start(t, Options{Faults: Faults{ThrottleRate: 1}})
		c := client(t, srv)
		seen := map[string]int{}
		for range 2 {
			_, err := c.DescribeInstances(ecs.CreateDescribeInstancesRequest())
			se := serverError(t, err)
			seen[se.ErrorCode()] = se.HttpStatus()
		}
		assert.Equal(t, map[string]int{"Throttling": 400, "Throttling.User": 400}, seen)
		srv.SetFaults(Faults{})
		_, err := c.DescribeInstances(ecs.CreateDescribeInstancesRequest())
		require.NoError(t, err)
		assert.EqualValues(t, 3, srv.Stats().Actions["DescribeInstances"], "faulted calls are counted")
	})
	t.Run("server errors", func(t *testing.T) {
		t.Parallel()
		srv := start(t, Options{Faults: Faults{ServerErrorRate: 1}})
		c := client(t, srv)
		seen := map[string]int{}
		for range 3 {
			_, err := c.DescribeInstances(ecs.CreateDescribeInstancesRequest())
			se := serverError(t, err)
			seen[se.ErrorCode()] = se.HttpStatus()
		}
		assert.Equal(t, map[string]int{"InternalError": 500, "InternalError.Dispatch": 500, "ServiceUnavailable": 503}, seen)
		assert.Equal(t, 0, srv.Stats().Commands)
	})
	t.Run("latency", func(t *testing.T) {
		t.Parallel()
		fake := clock.NewFake(fakeStart)
		srv := start(t, Options{Faults: Faults{Latency: 300 * time.Millisecond}, Clock: fake})
		c := client(t, srv)
		done := make(chan error, 1)
		go func() {
			_, err := c.DescribeInstances(ecs.CreateDescribeInstancesRequest())
			done <- err
		}()
		fake.WaitForTimers(1) // the call waits out its latency
		fake.Advance(299 * time.Millisecond)
		select {
		case err := <-done:
			t.Fatalf("answered before the latency passed: %v", err)
		default:
		}
		fake.Advance(time.Millisecond)
		require.NoError(t, <-done)
	})
	t.Run("drop after commit", func(t *testing.T) {
		t.Parallel()
		srv := start(t, Options{})
		c := client(t, srv)
		ids := srv.InstanceIDs()
		cmd := mkCommand(t, c, "true", nil)

		srv.SetFaults(Faults{DropRate: 1})
		req := ecs.CreateInvokeCommandRequest()
		req.CommandId, req.InstanceId, req.ClientToken = cmd, &[]string{ids[0]}, "retry-me"
		_, err := c.InvokeCommand(req)
		require.Error(t, err, "the answer is lost")
		assert.Equal(t, 1, srv.Stats().Invocations, "but the call was applied")

		// The retry with the same ClientToken finds the invocation the lost answer named.
		srv.SetFaults(Faults{})
		req = ecs.CreateInvokeCommandRequest()
		req.CommandId, req.InstanceId, req.ClientToken = cmd, &[]string{ids[0]}, "retry-me"
		resp, err := c.InvokeCommand(req)
		require.NoError(t, err)
		assert.Equal(t, 1, srv.Stats().Invocations)
		list, err := c.DescribeInvocations(ecs.CreateDescribeInvocationsRequest())
		require.NoError(t, err)
		require.Len(t, list.Invocations.Invocation, 1)
		assert.Equal(t, list.Invocations.Invocation[0].InvokeId, resp.InvokeId)
		waitStatus(t, c, resp.InvokeId, 5*time.Second, "Success")
		assert.EqualValues(t, 1, srv.Stats().Executions)
	})
}

func TestIdempotentProcessing(t *testing.T) {
	t.Parallel()
	fake := clock.NewFake(fakeStart)
	srv := start(t, Options{Clock: fake})
	setup := client(t, srv)
	cmd := mkCommand(t, setup, "true", nil)
	srv.SetFaults(Faults{Latency: 500 * time.Millisecond})
	invoke := func(c *ecs.Client) error {
		req := ecs.CreateInvokeCommandRequest()
		req.CommandId, req.InstanceId, req.ClientToken = cmd, &[]string{srv.InstanceIDs()[0]}, "same"
		_, err := c.InvokeCommand(req)
		return err
	}

	first := make(chan error, 1)
	c1 := client(t, srv)
	go func() { first <- invoke(c1) }()
	fake.WaitForTimers(1) // the first call is being processed (held by the latency fault)
	requireCode(t, invoke(client(t, srv)), "IdempotentProcessing", 403)
	fake.Advance(500 * time.Millisecond)
	require.NoError(t, <-first)
	assert.Equal(t, 1, srv.Stats().Invocations)

	// Processed, the token answers a retry with the same invocation at once.
	srv.SetFaults(Faults{})
	require.NoError(t, invoke(client(t, srv)))
	assert.Equal(t, 1, srv.Stats().Invocations)
}
