package emulator

import (
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
		srv := start(t, Options{Faults: Faults{Latency: 300 * time.Millisecond}})
		c := client(t, srv)
		begin := time.Now()
		_, err := c.DescribeInstances(ecs.CreateDescribeInstancesRequest())
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(begin), 300*time.Millisecond)
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
	srv := start(t, Options{})
	setup := client(t, srv)
	cmd := mkCommand(t, setup, "true", nil)
	srv.SetFaults(Faults{Latency: 500 * time.Millisecond})

	errs := make(chan error, 2)
	for range 2 {
		go func() {
			c := client(t, srv)
			req := ecs.CreateInvokeCommandRequest()
			req.CommandId, req.InstanceId, req.ClientToken = cmd, &[]string{srv.InstanceIDs()[0]}, "same"
			_, err := c.InvokeCommand(req)
			errs <- err
		}()
	}
	var failures []error
	for range 2 {
		if err := <-errs; err != nil {
			failures = append(failures, err)
		}
	}
	require.Len(t, failures, 1)
	requireCode(t, failures[0], "IdempotentProcessing", 403)
	assert.Equal(t, 1, srv.Stats().Invocations)
}
