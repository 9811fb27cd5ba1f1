package ecsclient

import (
	"context"
	"fmt"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// SendFile starts sending a file and returns the task's invoke ID (`f-…`). The token is
// the call's ClientToken (the SDK's request struct has no field for it, the API takes it):
// the same token goes with every retry, so a retried request never sends the file twice.
func (c *Client) SendFile(ctx context.Context, req *ecs.SendFileRequest, token string) (string, error) {
	req.RegionId = c.region
	if token == "" {
		token = NewClientToken()
	}
	req.QueryParams["ClientToken"] = token
	n := 0
	if req.InstanceId != nil {
		n = len(*req.InstanceId)
	}
	resp := ecs.CreateSendFileResponse()
	op := fmt.Sprintf("sending file %s/%s to %d instance%s", req.TargetDir, req.Name, n, plural(n))
	if err := c.Do(ctx, op, req, resp); err != nil {
		return "", err
	}
	return resp.InvokeId, nil
}

// DescribeSendFile reads one file task with every instance's status; the error wraps
// ErrNotFound when it does not exist (records are kept for a limited time).
func (c *Client) DescribeSendFile(ctx context.Context, invokeID string) (*ecs.Invocation, error) {
	req := ecs.CreateDescribeSendFileResultsRequest()
	req.RegionId = c.region
	req.InvokeId = invokeID
	resp := ecs.CreateDescribeSendFileResultsResponse()
	op := "reading file task " + invokeID
	if err := c.Do(ctx, op, req, resp); err != nil {
		return nil, err
	}
	for i := range resp.Invocations.Invocation {
		if resp.Invocations.Invocation[i].InvokeId == invokeID {
			return &resp.Invocations.Invocation[i], nil
		}
	}
	return nil, fmt.Errorf("%s: %w", op, ErrNotFound)
}
