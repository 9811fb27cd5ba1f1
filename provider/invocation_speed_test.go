package provider_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

// Create of a trivial script must take at most 1.5× what a naive loop (invoke, then read
// the results every 50 ms until done) takes against the same emulator.
// Not parallel: timings are compared, so nothing else should run meanwhile.
func TestCreateKeepsUpWithNaivePolling(t *testing.T) { //nolint:paralleltest // timing
	h := newHarness(t)
	cmdID, _ := h.command("quick", "true")
	one := h.srv.InstanceIDs()[:1]
	c, err := ecsclient.New(ecsclient.Options{Region: h.srv.Region(), AccessKeyID: h.srv.AccessKeyID(),
		AccessKeySecret: h.srv.AccessKeySecret(), Endpoint: h.srv.URL()})
	require.NoError(t, err)

	naive := func() time.Duration {
		start := time.Now()
		r := ecs.CreateInvokeCommandRequest()
		r.CommandId, r.InstanceId = cmdID, &one
		id, err := c.InvokeCommand(context.Background(), r)
		require.NoError(t, err)
		for {
			time.Sleep(50 * time.Millisecond)
			rs, err := c.DescribeInvocationResults(context.Background(), id)
			require.NoError(t, err)
			if len(rs) == 1 && rs[0].InvocationStatus == "Success" {
				return time.Since(start)
			}
		}
	}
	checked := h.check(invocationToken, "q", property.Map{}, h.invokeInputs(cmdID, "instanceIds", strs(one...)))
	ours := func() time.Duration {
		start := time.Now()
		_, err := h.s.Create(p.CreateRequest{Urn: urn(invocationToken, "q"), Properties: checked})
		require.NoError(t, err)
		return time.Since(start)
	}
	var n, o []time.Duration
	for range 3 {
		n = append(n, naive())
		o = append(o, ours())
	}
	slices.Sort(n)
	slices.Sort(o)
	t.Logf("naive %v, ours %v", n, o)
	assert.LessOrEqual(t, o[1], n[1]*3/2, "median Create %v vs naive %v", o[1], n[1])
}
