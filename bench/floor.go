package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
)

// The engine floors of issue 11: N no-op resources beside N Invocations, through the same
// CLI at the same parallelism.

var floorSizes = []int{100, 300}

type floorRow struct {
	N           int
	Things      stackUps // N no-op Things (one input, one output)
	Replicas    stackUps // N no-op Replicas: what N Invocations record, nothing called
	Invocations stackUps // N Invocations of `true`, one instance each
	Baseline    samples  // the same N runs, direct SDK, same parallelism
}

// stackUps are the timed `pulumi up`s of one program, and the size of the state it left.
type stackUps struct {
	Took       samples
	StateBytes int // the stack export after the last up
}

// measureFloors times, for each of floorSizes, the two engine floors, the Invocations and the
// baseline, alternating so that all see the same noise.
func measureFloors(ctx context.Context, tmp string, be *benchEmulator, parallel, runs int) ([]floorRow, error) {
	emu := be.emu
	var rows []floorRow
	progress.Printf("fleet: recording one Invocation's state for the no-op Replica")
	replica, err := recordInvocation(ctx, tmp, emu)
	if err != nil {
		return nil, err
	}
	if err := os.Setenv("NOOP_REPLICA", replica); err != nil {
		return nil, err
	}
	for _, n := range floorSizes {
		row := floorRow{N: n}
		for i := range runs {
			progress.Printf("fleet: engine floors and %d Invocations, run %d/%d", n, i+1, runs)
			if err := timedUp(ctx, tmp, fmt.Sprintf("floor-%d-%d", n, i), emu, parallel, thingProgram(n), &row.Things); err != nil {
				return nil, fmt.Errorf("floor of %d: %w", n, err)
			}
			if err := timedUp(ctx, tmp, fmt.Sprintf("replica-%d-%d", n, i), emu, parallel, replicaProgram(n, emu.InstanceIDs()), &row.Replicas); err != nil {
				return nil, fmt.Errorf("replica floor of %d: %w", n, err)
			}
			if err := timedUp(ctx, tmp, fmt.Sprintf("inv-%d-%d", n, i), emu, parallel, invocationProgram(n, emu.InstanceIDs()), &row.Invocations); err != nil {
				return nil, fmt.Errorf("%d Invocations: %w", n, err)
			}
			d, err := parallelBaseline(ctx, be.direct, be.baseCmd, emu.InstanceIDs(), n, parallel)
			if err != nil {
				return nil, err
			}
			row.Baseline = append(row.Baseline, d)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// invocationProgram is one Command and n Invocations of `true`, one instance each.
func invocationProgram(n int, instances []string) pulumi.RunFunc {
	return rig.Program(rig.Spec{Script: "true", Invocations: n, Instances: instances, PerInvocation: 1})
}

// thingProgram registers n no-op Things.
func thingProgram(n int) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		for i := range n {
			var res struct{ pulumi.CustomResourceState }
			if err := ctx.RegisterResource("noop:index:Thing", fmt.Sprintf("thing-%03d", i),
				pulumi.Map{"value": pulumi.String("x")}, &res); err != nil {
				return err
			}
		}
		return nil
	}
}

// replicaProgram is invocationProgram with no-op resources: a Thing in the Command's place
// and n Replicas in the Invocations', each given the same inputs from its program and
// depending on the Thing the same way; the same stack outputs.
func replicaProgram(n int, instances []string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		var cmd struct {
			pulumi.CustomResourceState
			Value pulumi.StringOutput `pulumi:"value"`
		}
		if err := ctx.RegisterResource("noop:index:Thing", "cmd", pulumi.Map{"value": pulumi.String("c-replica")}, &cmd); err != nil {
			return err
		}
		ids, statuses := pulumi.StringMap{}, pulumi.StringMap{}
		for i := range n {
			var res struct {
				pulumi.CustomResourceState
				InvokeID pulumi.StringOutput `pulumi:"invokeId"`
				Status   pulumi.StringOutput `pulumi:"status"`
			}
			name := fmt.Sprintf("inv-%03d", i)
			if err := ctx.RegisterResource("noop:index:Replica", name, pulumi.Map{
				"commandId":   cmd.Value,
				"instanceIds": pulumi.ToStringArray([]string{instances[i%len(instances)]}),
			}, &res); err != nil {
				return err
			}
			ids[name], statuses[name] = res.InvokeID, res.Status
		}
		ctx.Export("invokeIds", ids)
		ctx.Export("statuses", statuses)
		return nil
	}
}

// recordInvocation ups (untimed) the Invocation program with one Invocation and writes the
// Invocation's inputs and outputs, as its state records them, to a file for the Replica.
func recordInvocation(ctx context.Context, tmp string, emu *emulator.Server) (string, error) {
	stack, done, err := freshStack(ctx, tmp, "bench-fleet", "record", emu, 0, invocationProgram(1, emu.InstanceIDs()))
	if err != nil {
		return "", err
	}
	defer done()
	if _, err := stack.Up(ctx, optup.ProgressStreams(io.Discard)); err != nil {
		return "", err
	}
	dep, err := stack.Export(ctx)
	if err != nil {
		return "", err
	}
	inv, err := firstInvocation(dep.Deployment)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(inv)
	if err != nil {
		return "", err
	}
	path := filepath.Join(tmp, "replica.json")
	return path, os.WriteFile(path, b, 0o644)
}

// firstInvocation is the first Invocation in an exported deployment.
func firstInvocation(deployment json.RawMessage) (harness.StateResource, error) {
	invs, err := harness.ResourcesOfType(deployment, rig.InvocationToken)
	if err != nil || len(invs) == 0 {
		return harness.StateResource{}, fmt.Errorf("the stack has no Invocation (%v)", err)
	}
	return invs[0], nil
}

// timedUp ups a fresh stack of program, adds how long the up took to into and records the
// state's size; the stack is destroyed afterwards (untimed).
func timedUp(ctx context.Context, tmp, name string, emu *emulator.Server, parallel int, program pulumi.RunFunc, into *stackUps) error {
	stack, done, err := freshStack(ctx, tmp, "bench-fleet", name, emu, parallel, program)
	if err != nil {
		return err
	}
	defer done()
	start := time.Now()
	if _, err := stack.Up(ctx, optup.Parallel(parallel), optup.ProgressStreams(io.Discard)); err != nil {
		return err
	}
	into.Took = append(into.Took, time.Since(start))
	dep, err := stack.Export(ctx)
	if err != nil {
		return err
	}
	into.StateBytes = len(dep.Deployment)
	return nil
}

// ratio is the Invocations' up over floor + baseline.
func (r floorRow) ratio(floor stackUps) float64 {
	return ratio(r.Invocations.Took.median(), floor.Took.median()+r.Baseline.median())
}

// replicaRecordsTheSame says whether the Replicas' state is within 10% of the Invocations'
// (the no-op provider's shorter reference makes it a little smaller): a floor that recorded
// more would hide the provider's own cost, one that recorded much less would charge the
// engine's cost to the provider again.
func (r floorRow) replicaRecordsTheSame() bool {
	return r.Replicas.StateBytes*10 >= r.Invocations.StateBytes*9 && r.Replicas.StateBytes*10 <= r.Invocations.StateBytes*11
}
