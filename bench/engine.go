package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
)

// engineSizes are the stack sizes of the up/preview figures (Invocations of `true`, one
// instance each, plus one Command).
var engineSizes = []int{1, 10, 100}

// engineRow holds the figures of one stack size.
type engineRow struct {
	N        int
	Preview  samples // preview of the empty stack (every resource a create)
	Up       samples // up of the empty stack
	Noop     samples // preview of the deployed stack (no changes)
	Baseline samples // the baseline loop doing the same N runs with the engine's parallelism
	InProc   samples // the same N Creates through the in-process provider, same parallelism
	PeakRSS  int64   // bytes, the largest over the ups
}

type engineFigures struct {
	Parallel int
	Schema   samples
	Rows     []engineRow
}

// engine measures through the real engine: the CLI from .tools/, the provider built from
// this tree, an in-process emulator, inline Go programs.
func engine(ctx context.Context, env *benchSetup, r *report, runs int) error {
	be, err := startBenchEmulator()
	if err != nil {
		return err
	}
	defer be.close()
	emu, direct, baseCmd := be.emu, be.direct, be.baseCmd

	// The engine runs at most 4×GOMAXPROCS steps at once by default; set it explicitly so
	// the baseline can use the same parallelism.
	e := &engineFigures{Parallel: 4 * runtime.NumCPU()}
	r.Engine = e
	for range runs {
		d, err := timeSchema(ctx, env.binary)
		if err != nil {
			return err
		}
		e.Schema = append(e.Schema, d)
	}

	// The provider alone, without the engine, attributes the engine figures.
	prov, err := rig.NewProvider(ctx, emu)
	if err != nil {
		return err
	}
	provCmd, err := prov.Create(rig.CommandToken, "engine-cmd", rig.CommandInputs("true"), 0)
	if err != nil {
		return err
	}
	for _, n := range engineSizes {
		row := engineRow{N: n}
		for i := range runs {
			progress.Printf("engine: %d invocations, run %d/%d", n, i+1, runs)
			if err := engineRun(ctx, env.tmp, env.pidFile, emu, e.Parallel, &row, i); err != nil {
				return fmt.Errorf("engine run of %d invocations: %w", n, err)
			}
			d, err := parallelBaseline(ctx, direct, baseCmd, emu.InstanceIDs(), n, e.Parallel)
			if err != nil {
				return err
			}
			row.Baseline = append(row.Baseline, d)
			d, err = parallelCreates(prov, rig.String(provCmd.Outputs, "commandId"), emu.InstanceIDs(), n, e.Parallel)
			if err != nil {
				return err
			}
			row.InProc = append(row.InProc, d)
		}
		e.Rows = append(e.Rows, row)
	}
	return nil
}

// engineRun previews and ups a fresh stack of row.N invocations, then destroys it (untimed).
func engineRun(ctx context.Context, tmp, pidFile string, emu *emulator.Server, parallel int, row *engineRow, i int) error {
	stack, done, err := freshStack(ctx, tmp, "bench", fmt.Sprintf("n%d-%d", row.N, i), emu, parallel,
		invocationProgram(row.N, emu.InstanceIDs()))
	if err != nil {
		return err
	}
	defer done()

	start := time.Now()
	if _, err := stack.Preview(ctx, optpreview.Parallel(parallel)); err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	row.Preview = append(row.Preview, time.Since(start))

	if err := os.WriteFile(pidFile, nil, 0o644); err != nil {
		return err
	}
	peak := watchRSS(pidFile)
	start = time.Now()
	res, err := stack.Up(ctx, optup.Parallel(parallel), optup.ProgressStreams(io.Discard))
	took := time.Since(start)
	rss := peak()
	if err != nil {
		return fmt.Errorf("up: %w", err)
	}
	if got := len(outputMap(res.Outputs, "invokeIds")); got != row.N {
		return fmt.Errorf("up recorded %d invocations, want %d", got, row.N)
	}
	row.Up = append(row.Up, took)
	row.PeakRSS = max(row.PeakRSS, rss)

	start = time.Now()
	if _, err := stack.Preview(ctx, optpreview.Parallel(parallel), optpreview.ExpectNoChanges()); err != nil {
		return fmt.Errorf("preview after up: %w", err)
	}
	row.Noop = append(row.Noop, time.Since(start))
	return nil
}

func outputMap(outs auto.OutputMap, name string) map[string]any {
	m, _ := outs[name].Value.(map[string]any)
	return m
}

// parallelBaseline does n baseline runs of `true`, one instance each round-robin, at most
// parallel at once: what the engine does for n Invocations, without the engine.
func parallelBaseline(ctx context.Context, c *ecs.Client, commandID string, instances []string, n, parallel int) (time.Duration, error) {
	errs := make(chan error, n)
	start := time.Now()
	rig.Each(n, parallel, func(i int) {
		if _, err := baselineRun(ctx, c, commandID, []string{instances[i%len(instances)]}); err != nil {
			errs <- err
		}
	})
	d := time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		return 0, err
	}
	return d, nil
}

// parallelCreates times n Invocation Creates through the in-process provider, at most
// parallel at once, then deletes them (untimed).
func parallelCreates(prov *rig.Provider, commandID string, instances []string, n, parallel int) (time.Duration, error) {
	res := make([]rig.Resource, n)
	errs := make([]error, n)
	names := make([]string, n)
	for i := range n {
		names[i] = fmt.Sprintf("par-%d-%d", time.Now().UnixNano(), i)
	}
	start := time.Now()
	rig.Each(n, parallel, func(i int) {
		res[i], errs[i] = prov.Create(rig.InvocationToken, names[i],
			rig.InvocationInputs(commandID, []string{instances[i%len(instances)]}), 0)
	})
	d := time.Since(start)
	for i := range n {
		if errs[i] != nil {
			return 0, errs[i]
		}
		_ = prov.Delete(rig.InvocationToken, names[i], res[i])
	}
	return d, nil
}
