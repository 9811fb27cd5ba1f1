package ecsclient_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/callproxy"
	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

// callsPerInvocation sits between the client and the emulator and counts the requests that
// name each InvokeId: a call log by batch, as the service would see it.
type callsPerInvocation struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *callsPerInvocation) proxy(t *testing.T, target string) string {
	return callproxy.Start(t, target, func(params url.Values, w http.ResponseWriter, r *http.Request, forward http.Handler) {
		c.mu.Lock()
		c.counts[params.Get("InvokeId")]++
		c.mu.Unlock()
		forward.ServeHTTP(w, r)
	})
}

func (c *callsPerInvocation) of(ids []string) []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]int, len(ids))
	for i, id := range ids {
		out[i] = c.counts[id]
	}
	return out
}

// When the service throttles one batch's status read, the other batches hold back until the
// throttled call (the probe) is answered without throttling, instead of each retrying at its
// own pace: a throttled account slows down as a whole.
func TestThrottlingIsSharedAcrossBatches(t *testing.T) {
	t.Parallel()
	srv, err := emulator.New(emulator.Options{Listen: "127.0.0.1:0"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	log := &callsPerInvocation{counts: map[string]int{}}
	c, err := ecsclient.New(ecsclient.Options{
		Region: srv.Region(), AccessKeyID: srv.AccessKeyID(), AccessKeySecret: srv.AccessKeySecret(),
		Endpoint: log.proxy(t, srv.URL()), Retry: fastRetry,
	})
	require.NoError(t, err)
	ctx := context.Background()
	cmd := newCommand(t, c, "true")

	// One multi-batch invocation: a batch per instance, as a rollout sends them.
	var batches []string
	for _, id := range srv.InstanceIDs() {
		r := ecs.CreateInvokeCommandRequest()
		r.CommandId, r.InstanceId = cmd, &[]string{id}
		invokeID, err := c.InvokeCommand(ctx, r)
		require.NoError(t, err)
		batches = append(batches, invokeID)
	}
	require.Len(t, batches, 3)
	before := log.of(batches)

	// Every call is throttled until enough reads were refused; then the limit passes.
	srv.SetFaults(emulator.Faults{ThrottleRate: 1})
	var wg sync.WaitGroup
	errs := make([]error, len(batches))
	for i, id := range batches {
		wg.Go(func() { _, errs[i] = c.DescribeInvocation(ctx, id) })
	}
	const refused = 15
	for total := 0; total < refused; {
		time.Sleep(2 * time.Millisecond)
		total = 0
		for i, n := range log.of(batches) {
			total += n - before[i]
		}
	}
	srv.SetFaults(emulator.Faults{})
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}

	reads := log.of(batches)
	for i := range reads {
		reads[i] -= before[i]
	}
	slices.Sort(reads)
	// The probe took the retries; each other batch sent at most its first read (in flight
	// when the gate closed, or throttled before it) and the one that succeeded after.
	assert.GreaterOrEqual(t, reads[2], refused-2*2, "the probe retried: %v", reads)
	assert.LessOrEqual(t, reads[1], 2, "a second batch kept calling while throttled: %v", reads)
	assert.LessOrEqual(t, reads[0], 2, "a third batch kept calling while throttled: %v", reads)
}
