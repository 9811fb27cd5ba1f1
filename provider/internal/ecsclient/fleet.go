package ecsclient

// Fleet reads: instances by tag, status and name prefix (paged DescribeInstances). An
// invocation's per-instance statuses without output come from DescribeInvocation.

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// instancePageSize is the largest page DescribeInstances serves.
const instancePageSize = 100

// InstanceFilter selects instances: every tag must match (an empty value matches any value
// of the key), Status is exact, NamePrefix matches the start of the instance name.
type InstanceFilter struct {
	Tags       map[string]string
	Status     string
	NamePrefix string
}

func (f InstanceFilter) String() string {
	var parts []string
	for _, k := range sortedKeys(f.Tags) {
		parts = append(parts, fmt.Sprintf("tag %s=%s", k, f.Tags[k]))
	}
	if f.Status != "" {
		parts = append(parts, "status "+f.Status)
	}
	if f.NamePrefix != "" {
		parts = append(parts, "name prefix "+f.NamePrefix)
	}
	if len(parts) == 0 {
		return "all instances"
	}
	return strings.Join(parts, ", ")
}

// DescribeInstances returns every instance matching f, all pages (NextToken), sorted by ID.
func (c *Client) DescribeInstances(ctx context.Context, f InstanceFilter) ([]ecs.Instance, error) {
	op := "listing instances (" + f.String() + ")"
	var out []ecs.Instance
	token := ""
	for {
		req := ecs.CreateDescribeInstancesRequest()
		req.RegionId = c.region
		req.MaxResults = requests.NewInteger(instancePageSize)
		req.NextToken = token
		req.Status = f.Status
		if f.NamePrefix != "" {
			req.InstanceName = f.NamePrefix + "*"
		}
		if len(f.Tags) > 0 {
			tags := make([]ecs.DescribeInstancesTag, 0, len(f.Tags))
			for _, k := range sortedKeys(f.Tags) {
				tags = append(tags, ecs.DescribeInstancesTag{Key: k, Value: f.Tags[k]})
			}
			req.Tag = &tags
		}
		resp := ecs.CreateDescribeInstancesResponse()
		if err := c.Do(ctx, op, req, resp); err != nil {
			return nil, err
		}
		for _, in := range resp.Instances.Instance {
			// The service's name filter is a wildcard; keep exact prefix semantics here.
			if f.NamePrefix == "" || strings.HasPrefix(in.InstanceName, f.NamePrefix) {
				out = append(out, in)
			}
		}
		if token = resp.NextToken; token == "" || len(resp.Instances.Instance) == 0 {
			break
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].InstanceId < out[j].InstanceId })
	return out, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
