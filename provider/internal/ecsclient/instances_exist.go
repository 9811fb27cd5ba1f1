package ecsclient

// Which of a list of instance IDs exist: the preview-time check of instanceIds.

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// maxInstanceIDsPerDescribe is how many IDs DescribeInstances' InstanceIds (a JSON array)
// takes in one call; it equals the largest page, so each call answers in one page.
const maxInstanceIDsPerDescribe = 100

// MissingInstances returns the IDs of ids that DescribeInstances does not know in this
// region, in the order given: one read-only call per 100 IDs, nothing else.
func (c *Client) MissingInstances(ctx context.Context, ids []string) ([]string, error) {
	found := map[string]bool{}
	for start := 0; start < len(ids); start += maxInstanceIDsPerDescribe {
		chunk := ids[start:min(start+maxInstanceIDsPerDescribe, len(ids))]
		raw, err := json.Marshal(chunk)
		if err != nil {
			return nil, fmt.Errorf("encoding instance IDs: %w", err)
		}
		req := ecs.CreateDescribeInstancesRequest()
		req.RegionId = c.region
		req.InstanceIds = string(raw)
		req.PageSize = requests.NewInteger(maxInstanceIDsPerDescribe)
		resp := ecs.CreateDescribeInstancesResponse()
		op := fmt.Sprintf("looking up %d instance ID%s", len(chunk), plural(len(chunk)))
		if err := c.read(ctx, op, req, resp); err != nil {
			return nil, err
		}
		for _, in := range resp.Instances.Instance {
			found[in.InstanceId] = true
		}
	}
	var missing []string
	for _, id := range ids {
		if !found[id] {
			missing = append(missing, id)
		}
	}
	return missing, nil
}
