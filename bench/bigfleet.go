package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
)

// One Invocation on a 1,000-instance fleet beside a direct-SDK loop running the same batches.

const bigFleetSize = 1000

type bigFleet struct {
	Instances, Batches                    int
	Provider, Baseline                    samples
	StatusCalls, ResultCalls, InvokeCalls int64 // per Create, from the emulator's counters
	Up                                    time.Duration
	PeakRSS                               int64
	StateBytes                            int
}

// measureBigFleet times one Invocation on 1,000 instances through the in-process provider
// against the direct-SDK loop running the same batches, counts its calls, then ups it once
// through the engine for the provider's peak RSS and the state's size.
func measureBigFleet(ctx context.Context, tmp, pidFile string, runs int) (*bigFleet, error) {
	emu, err := emulator.New(emulator.Options{Listen: "127.0.0.1:0", InstanceCount: bigFleetSize})
	if err != nil {
		return nil, err
	}
	defer emu.Close()
	ids := emu.InstanceIDs()
	b := &bigFleet{Instances: len(ids), Batches: (len(ids) + 99) / 100}
	prov, err := rig.NewProvider(ctx, emu)
	if err != nil {
		return nil, err
	}
	cmd, err := prov.Create(rig.CommandToken, "big-cmd", rig.CommandInputs("echo ok"), 0)
	if err != nil {
		return nil, err
	}
	commandID := rig.String(cmd.Outputs, "commandId")
	direct, err := directClient(emu)
	if err != nil {
		return nil, err
	}
	for i := range runs {
		progress.Printf("fleet: 1 Invocation × %d instances, run %d/%d", len(ids), i+1, runs)
		before := emu.Stats().Actions
		start := time.Now()
		name := fmt.Sprintf("big-%d", i)
		res, err := prov.Create(rig.InvocationToken, name, rig.InvocationInputs(commandID, ids), 0)
		if err != nil {
			return nil, err
		}
		b.Provider = append(b.Provider, time.Since(start))
		after := emu.Stats().Actions
		b.StatusCalls = after["DescribeInvocations"] - before["DescribeInvocations"]
		b.ResultCalls = after["DescribeInvocationResults"] - before["DescribeInvocationResults"]
		b.InvokeCalls = after["InvokeCommand"] - before["InvokeCommand"]
		_ = prov.Delete(rig.InvocationToken, name, res)
		d, err := batchedBaseline(direct, commandID, ids)
		if err != nil {
			return nil, err
		}
		b.Baseline = append(b.Baseline, d)
	}

	progress.Printf("fleet: pulumi up of 1 Invocation × %d instances", len(ids))
	stack, done, err := freshStack(ctx, tmp, "bench-fleet", "big", emu, 0,
		rig.Program(rig.Spec{Script: "echo ok", Invocations: 1, Instances: ids, PerInvocation: len(ids)}))
	if err != nil {
		return b, err
	}
	defer done()
	if err := os.WriteFile(pidFile, nil, 0o644); err != nil {
		return b, err
	}
	peak := watchRSS(pidFile)
	start := time.Now()
	_, err = stack.Up(ctx, optup.ProgressStreams(io.Discard))
	b.Up, b.PeakRSS = time.Since(start), peak()
	if err != nil {
		return b, err
	}
	dep, err := stack.Export(ctx)
	if err != nil {
		return b, err
	}
	b.StateBytes = len(dep.Deployment)
	// The export is of the whole stack; say how much of it is the Invocation.
	if inv, err := firstInvocation(dep.Deployment); err == nil {
		progress.Printf("fleet: the Invocation's outputs take %d bytes of state", len(inv.Outputs))
	}
	return b, nil
}

// batchedBaseline is the direct-SDK loop of one fleet run: InvokeCommand per 100 instances,
// then every 50 ms one DescribeInvocations (no output) per unfinished batch, and the outputs
// of a batch (DescribeInvocationResults, pages of 50) once it has finished.
func batchedBaseline(c *ecs.Client, commandID string, ids []string) (time.Duration, error) {
	start := time.Now()
	var pending []string
	for from := 0; from < len(ids); from += 100 {
		batch := ids[from:min(from+100, len(ids))]
		req := ecs.CreateInvokeCommandRequest()
		req.Scheme = "http"
		req.CommandId = commandID
		req.InstanceId = &batch
		resp, err := c.InvokeCommand(req)
		if err != nil {
			return 0, fmt.Errorf("baseline InvokeCommand: %w", err)
		}
		pending = append(pending, resp.InvokeId)
	}
	for len(pending) > 0 {
		time.Sleep(baselinePoll)
		var still []string
		for _, id := range pending {
			req := ecs.CreateDescribeInvocationsRequest()
			req.Scheme = "http"
			req.InvokeId = id
			resp, err := c.DescribeInvocations(req)
			if err != nil {
				return 0, fmt.Errorf("baseline DescribeInvocations: %w", err)
			}
			done := len(resp.Invocations.Invocation) == 1
			for _, in := range resp.Invocations.Invocation[0].InvokeInstances.InvokeInstance {
				done = done && terminal[in.InvocationStatus]
			}
			if !done {
				still = append(still, id)
				continue
			}
			for page := 1; ; page++ {
				rr := ecs.CreateDescribeInvocationResultsRequest()
				rr.Scheme = "http"
				rr.InvokeId = id
				rr.PageSize = requests.NewInteger(50)
				rr.PageNumber = requests.NewInteger(page)
				res, err := c.DescribeInvocationResults(rr)
				if err != nil {
					return 0, fmt.Errorf("baseline DescribeInvocationResults: %w", err)
				}
				if len(res.Invocation.InvocationResults.InvocationResult) < 50 {
					break
				}
			}
		}
		pending = still
	}
	return time.Since(start), nil
}
