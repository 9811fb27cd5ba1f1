package ecsclient

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// NewClientToken returns a fresh idempotency token (32 hex chars, within the 64-char limit).
// Make one per logical operation and reuse it for every retry of that operation.
func NewClientToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// CreateCommand is in create_command.go: its retries need care.

// DescribeCommand reads one command; the error wraps ErrNotFound when it does not exist.
func (c *Client) DescribeCommand(ctx context.Context, commandID string) (*ecs.Command, error) {
	req := ecs.CreateDescribeCommandsRequest()
	req.RegionId = c.region
	req.CommandId = commandID
	resp := ecs.CreateDescribeCommandsResponse()
	op := "reading command " + commandID
	if err := c.read(ctx, op, req, resp); err != nil {
		return nil, err
	}
	for i := range resp.Commands.Command {
		if resp.Commands.Command[i].CommandId == commandID {
			return &resp.Commands.Command[i], nil
		}
	}
	return nil, fmt.Errorf("%s: %w", op, ErrNotFound)
}

// DeleteCommand deletes a command; a command that is already gone is not an error.
func (c *Client) DeleteCommand(ctx context.Context, commandID string) error {
	req := ecs.CreateDeleteCommandRequest()
	req.RegionId = c.region
	req.CommandId = commandID
	err := c.Do(ctx, "deleting command "+commandID, req, ecs.CreateDeleteCommandResponse())
	if IsNotFoundCode(Code(err)) {
		return nil
	}
	return err
}

// InvokeCommand starts an invocation and returns its ID. An empty req.ClientToken gets a
// fresh one here; either way the same token goes with every retry, so a retried request
// never runs the script twice.
func (c *Client) InvokeCommand(ctx context.Context, req *ecs.InvokeCommandRequest) (string, error) {
	req.RegionId = c.region
	if req.ClientToken == "" {
		req.ClientToken = NewClientToken()
	}
	n := 0
	if req.InstanceId != nil {
		n = len(*req.InstanceId)
	}
	resp := ecs.CreateInvokeCommandResponse()
	op := fmt.Sprintf("creating invocation of %s on %d instance%s", req.CommandId, n, plural(n))
	if err := c.Do(ctx, op, req, resp); err != nil {
		return "", err
	}
	return resp.InvokeId, nil
}

// DescribeInvocation reads one invocation (without output); the error wraps ErrNotFound
// when it does not exist, which includes records past their retention of about four weeks.
func (c *Client) DescribeInvocation(ctx context.Context, invokeID string) (*ecs.Invocation, error) {
	req := ecs.CreateDescribeInvocationsRequest()
	req.RegionId = c.region
	req.InvokeId = invokeID
	resp := ecs.CreateDescribeInvocationsResponse()
	op := "reading invocation " + invokeID
	if err := c.read(ctx, op, req, resp); err != nil {
		return nil, err
	}
	for i := range resp.Invocations.Invocation {
		if resp.Invocations.Invocation[i].InvokeId == invokeID {
			return &resp.Invocations.Invocation[i], nil
		}
	}
	return nil, fmt.Errorf("%s: %w", op, ErrNotFound)
}

// DescribeInvocationResults returns the latest result of every instance of an invocation,
// all pages. Output stays as the service sends it (Base64); callers decode it.
func (c *Client) DescribeInvocationResults(ctx context.Context, invokeID string) ([]ecs.InvocationResult, error) {
	return c.DescribeInvocationResultsWithHistory(ctx, invokeID, false)
}

// StopInvocation stops an invocation on all its instances (or the ones given): pending runs
// are cancelled and a schedule stops. An invocation that is already gone is not an error.
func (c *Client) StopInvocation(ctx context.Context, invokeID string, instanceIDs ...string) error {
	req := ecs.CreateStopInvocationRequest()
	req.RegionId = c.region
	req.InvokeId = invokeID
	if len(instanceIDs) > 0 {
		req.InstanceId = &instanceIDs
	}
	err := c.Do(ctx, "stopping invocation "+invokeID, req, ecs.CreateStopInvocationResponse())
	if IsNotFoundCode(Code(err)) {
		return nil
	}
	return err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
