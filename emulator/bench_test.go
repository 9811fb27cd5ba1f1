package emulator

import (
	"fmt"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/require"
)

// BenchmarkDescribeInvocationResults measures how many DescribeInvocationResults calls the
// emulator answers per second through the real SDK client (signing and HTTP included).
func BenchmarkDescribeInvocationResults(b *testing.B) {
	srv := start(b, Options{})
	c := client(b, srv)
	inv := mkInvoke(b, c, mkCommand(b, c, "echo bench", nil), srv.InstanceIDs(), nil)
	waitStatus(b, c, inv, 5*time.Second, "Success")
	req := func() *ecs.DescribeInvocationResultsRequest {
		r := ecs.CreateDescribeInvocationResultsRequest()
		r.InvokeId = inv
		return r
	}
	b.ResetTimer()
	begin := time.Now()
	for b.Loop() {
		resp, err := c.DescribeInvocationResults(req())
		if err != nil || len(resp.Invocation.InvocationResults.InvocationResult) != 3 {
			b.Fatalf("DescribeInvocationResults: %v", err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(begin).Seconds(), "req/s")
}

// BenchmarkInvokeToSuccess measures the latency from InvokeCommand of `true` to the moment
// DescribeInvocations reports Success, on 1 and 50 instances.
func BenchmarkInvokeToSuccess(b *testing.B) {
	for _, n := range []int{1, 50} {
		b.Run(fmt.Sprintf("instances=%d", n), func(b *testing.B) {
			srv := start(b, Options{InstanceCount: n})
			c := client(b, srv)
			ids := srv.InstanceIDs()
			require.Len(b, ids, n)
			cmd := mkCommand(b, c, "true", nil)
			var total time.Duration
			for b.Loop() {
				begin := time.Now()
				inv := mkInvoke(b, c, cmd, ids, nil)
				for {
					req := ecs.CreateDescribeInvocationsRequest()
					req.InvokeId = inv
					resp, err := c.DescribeInvocations(req)
					require.NoError(b, err)
					if s := resp.Invocations.Invocation[0].InvocationStatus; s == "Success" {
						break
					} else if s != "Running" && s != "Pending" {
						b.Fatalf("invocation ended %s", s)
					}
					time.Sleep(time.Millisecond)
				}
				total += time.Since(begin)
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/op")
		})
	}
}
