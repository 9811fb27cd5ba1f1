package ecsclient

// Read-only lookups behind the provider's functions (getCommand, getInvocation,
// getAgentStatus) and RunScript's agent wait. They page through every result, so callers
// never see a truncated answer.

import (
	"context"
	"fmt"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// lookupPageSize is the largest page the Describe* calls below serve.
const lookupPageSize = 50

// statusBatch is how many instance IDs one DescribeCloudAssistantStatus call may name.
const statusBatch = 50

// DescribeCommandsByName returns the commands whose name is exactly name, newest first as
// the service sorts them. The service's Name filter also accepts a trailing `*` as a prefix
// match; those matches are dropped here unless name itself ends in `*`.
func (c *Client) DescribeCommandsByName(ctx context.Context, name string) ([]ecs.Command, error) {
	op := fmt.Sprintf("looking up commands named %q", name)
	prefix := len(name) > 0 && name[len(name)-1] == '*'
	var out []ecs.Command
	var seen int64
	for page := 1; ; page++ {
		req := ecs.CreateDescribeCommandsRequest()
		req.RegionId = c.region
		req.Name = name
		req.PageNumber = requests.NewInteger(page)
		req.PageSize = requests.NewInteger(lookupPageSize)
		resp := ecs.CreateDescribeCommandsResponse()
		if err := c.read(ctx, op, req, resp); err != nil {
			return nil, err
		}
		got := resp.Commands.Command
		seen += int64(len(got))
		for _, cmd := range got {
			if prefix || cmd.Name == name {
				out = append(out, cmd)
			}
		}
		if len(got) < lookupPageSize || seen >= resp.TotalCount {
			return out, nil
		}
	}
}

// DescribeInvocationResultsWithHistory returns the results of an invocation, all pages.
// Without history there is one row per instance (its latest run); with history, periodic
// and reboot invocations give one row per run, newest first. Output stays Base64.
func (c *Client) DescribeInvocationResultsWithHistory(ctx context.Context, invokeID string, includeHistory bool) ([]ecs.InvocationResult, error) {
	op := "reading results of invocation " + invokeID
	if includeHistory {
		op += " with history"
	}
	var all []ecs.InvocationResult
	for page := 1; ; page++ {
		req := ecs.CreateDescribeInvocationResultsRequest()
		req.RegionId = c.region
		req.InvokeId = invokeID
		req.IncludeHistory = requests.NewBoolean(includeHistory)
		req.PageNumber = requests.NewInteger(page)
		req.PageSize = requests.NewInteger(lookupPageSize)
		resp := ecs.CreateDescribeInvocationResultsResponse()
		if err := c.read(ctx, op, req, resp); err != nil {
			return nil, err
		}
		got := resp.Invocation.InvocationResults.InvocationResult
		all = append(all, got...)
		if len(got) < lookupPageSize || int64(len(all)) >= resp.Invocation.TotalCount {
			return all, nil
		}
	}
}

// DescribeCloudAssistantStatus returns the agent status of each instance, in batches of
// statusBatch IDs, all pages. Instances the service does not know are simply absent.
func (c *Client) DescribeCloudAssistantStatus(ctx context.Context, instanceIDs []string) ([]ecs.InstanceCloudAssistantStatus, error) {
	var out []ecs.InstanceCloudAssistantStatus
	for start := 0; start < len(instanceIDs); start += statusBatch {
		batch := instanceIDs[start:min(start+statusBatch, len(instanceIDs))]
		n := len(batch)
		op := fmt.Sprintf("reading the Cloud Assistant status of %d instance%s", n, plural(n))
		var seen int64
		for page := 1; ; page++ {
			req := ecs.CreateDescribeCloudAssistantStatusRequest()
			req.RegionId = c.region
			ids := append([]string(nil), batch...)
			req.InstanceId = &ids
			req.PageNumber = requests.NewInteger(page)
			req.PageSize = requests.NewInteger(lookupPageSize)
			resp := ecs.CreateDescribeCloudAssistantStatusResponse()
			if err := c.read(ctx, op, req, resp); err != nil {
				return nil, err
			}
			got := resp.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus
			seen += int64(len(got))
			out = append(out, got...)
			if len(got) < lookupPageSize || seen >= resp.TotalCount {
				break
			}
		}
	}
	return out, nil
}
