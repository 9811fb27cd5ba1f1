package harness

import (
	"fmt"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// InvocationCreationTime asks the ECS API (DescribeInvocations) when an invocation was created,
// as a user's script would: a schedule's fire times count from it.
func (t *Target) InvocationCreationTime(invokeID string) (time.Time, error) {
	req := ecs.CreateDescribeInvocationsRequest()
	req.RegionId = t.Region
	req.InvokeId = invokeID
	t.prepare(req)
	resp, err := t.api.DescribeInvocations(req)
	if err != nil {
		return time.Time{}, fmt.Errorf("DescribeInvocations %s: %w", invokeID, err)
	}
	if n := len(resp.Invocations.Invocation); n != 1 {
		return time.Time{}, fmt.Errorf("DescribeInvocations %s: %d invocations, want 1", invokeID, n)
	}
	return time.Parse(time.RFC3339, resp.Invocations.Invocation[0].CreationTime)
}
