package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
)

// The baseline is the floor every target is measured against: the least a program can do to
// run a script and know it finished — one InvokeCommand, then DescribeInvocationResults every
// 50 ms until every instance is terminal. No retries, no backoff, no state.
const baselinePoll = 50 * time.Millisecond

// terminal are the per-instance statuses after which a run never changes again.
var terminal = map[string]bool{
	"Success": true, "Failed": true, "Timeout": true, "Error": true, "Invalid": true,
	"Aborted": true, "Cancelled": true, "Terminated": true,
}

// directClient is a bare SDK client against an emulator, the way a user's script would build one.
func directClient(emu *emulator.Server) (*ecs.Client, error) {
	cfg := sdk.NewConfig()
	cfg.Scheme = "HTTP"
	cfg.AutoRetry = false
	cred := credentials.NewStaticAKCredentialsProvider(emu.AccessKeyID(), emu.AccessKeySecret())
	c, err := ecs.NewClientWithOptions(emu.Region(), cfg, cred)
	if err != nil {
		return nil, err
	}
	c.Domain = strings.TrimPrefix(emu.URL(), "http://")
	return c, nil
}

// createCommand makes the shell command the baseline runs (outside any timing).
func createCommand(c *ecs.Client, script string) (string, error) {
	req := ecs.CreateCreateCommandRequest()
	req.Scheme = "http"
	req.Name = "bench"
	req.Type = "RunShellScript"
	req.ContentEncoding = "PlainText"
	req.CommandContent = script
	req.Timeout = requests.NewInteger(60)
	resp, err := c.CreateCommand(req)
	if err != nil {
		return "", fmt.Errorf("creating the baseline command: %w", err)
	}
	return resp.CommandId, nil
}

// baselineRun invokes commandID on instances and polls until every instance is terminal; it
// returns the wall time from the InvokeCommand call to the last poll. Its first read comes
// right after InvokeCommand returns.
func baselineRun(ctx context.Context, c *ecs.Client, commandID string, instances []string) (time.Duration, error) {
	return baselineLoop(ctx, c, commandID, instances, false)
}

// baselineSleepFirst is the same loop waiting 50 ms before its first read too, as a loop
// written `for { sleep; read }` does: shown beside the baseline, since for a script that
// ends within milliseconds the two differ by a whole interval.
func baselineSleepFirst(ctx context.Context, c *ecs.Client, commandID string, instances []string) (time.Duration, error) {
	return baselineLoop(ctx, c, commandID, instances, true)
}

func baselineLoop(ctx context.Context, c *ecs.Client, commandID string, instances []string, sleepFirst bool) (time.Duration, error) {
	start := time.Now()
	inv := ecs.CreateInvokeCommandRequest()
	inv.Scheme = "http"
	inv.CommandId = commandID
	inv.InstanceId = &instances
	resp, err := c.InvokeCommand(inv)
	if err != nil {
		return 0, fmt.Errorf("baseline InvokeCommand: %w", err)
	}
	if sleepFirst {
		time.Sleep(baselinePoll)
	}
	for {
		done, err := baselineDone(c, resp.InvokeId, len(instances))
		if err != nil {
			return 0, err
		}
		if done {
			return time.Since(start), nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(baselinePoll):
		}
	}
}

func baselineDone(c *ecs.Client, invokeID string, want int) (bool, error) {
	req := ecs.CreateDescribeInvocationResultsRequest()
	req.Scheme = "http"
	req.InvokeId = invokeID
	req.PageSize = requests.NewInteger(50)
	req.ContentEncoding = "PlainText"
	resp, err := c.DescribeInvocationResults(req)
	if err != nil {
		return false, fmt.Errorf("baseline DescribeInvocationResults: %w", err)
	}
	results := resp.Invocation.InvocationResults.InvocationResult
	if len(results) < want {
		return false, nil
	}
	for _, r := range results {
		if !terminal[r.InvocationStatus] {
			return false, nil
		}
	}
	return true, nil
}
