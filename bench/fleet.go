package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
)

// Fleet figures (issue 11): the engine floor beside N Invocations, and one Invocation on a
// 1,000-instance fleet beside a direct-SDK loop running the same batches.

var floorSizes = []int{100, 300}

const bigFleetSize = 1000

type floorRow struct {
	N        int
	Floor    samples // pulumi up of N no-op resources (pulumi-go-provider, same CLI, same parallelism)
	Up       samples // pulumi up of N Invocations of `true`, one instance each
	Baseline samples // the same N runs, direct SDK, same parallelism
}

type bigFleet struct {
	Instances, Batches                    int
	Provider, Baseline                    samples
	StatusCalls, ResultCalls, InvokeCalls int64 // per Create, from the emulator's counters
	Up                                    time.Duration
	PeakRSS                               int64
	StateBytes                            int
}

type fleetFigures struct {
	Parallel int
	Rows     []floorRow
	Big      *bigFleet
}

// fleet measures the fleet figures.
func fleet(ctx context.Context, env *benchSetup, r *report, runs int) error {
	be, err := startBenchEmulator()
	if err != nil {
		return err
	}
	defer be.close()
	tmp, emu, direct, baseCmd := env.tmp, be.emu, be.direct, be.baseCmd
	log.Printf("fleet: building the no-op provider")
	noopDir := filepath.Join(tmp, "noop")
	build := exec.Command("go", "build", "-o", filepath.Join(noopDir, "pulumi-resource-noop"), "./bench/noop")
	build.Dir = env.root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the no-op provider: %w\n%s", err, out)
	}
	if err := os.Setenv("PATH", noopDir+string(os.PathListSeparator)+os.Getenv("PATH")); err != nil {
		return err
	}
	f := &fleetFigures{Parallel: 4 * runtime.NumCPU()}
	r.Fleet = f

	for _, n := range floorSizes {
		row := floorRow{N: n}
		for i := range runs {
			log.Printf("fleet: engine floor and %d Invocations, run %d/%d", n, i+1, runs)
			d, err := timedUp(ctx, tmp, fmt.Sprintf("floor-%d-%d", n, i), emu, f.Parallel, noopProgram(n))
			if err != nil {
				return fmt.Errorf("floor of %d: %w", n, err)
			}
			row.Floor = append(row.Floor, d)
			d, err = timedUp(ctx, tmp, fmt.Sprintf("inv-%d-%d", n, i), emu, f.Parallel,
				rig.Program(rig.Spec{Script: "true", Invocations: n, Instances: emu.InstanceIDs(), PerInvocation: 1}))
			if err != nil {
				return fmt.Errorf("%d Invocations: %w", n, err)
			}
			row.Up = append(row.Up, d)
			d, err = parallelBaseline(ctx, direct, baseCmd, emu.InstanceIDs(), n, f.Parallel)
			if err != nil {
				return err
			}
			row.Baseline = append(row.Baseline, d)
		}
		f.Rows = append(f.Rows, row)
	}
	big, err := measureBigFleet(ctx, tmp, env.pidFile, runs)
	f.Big = big
	return err
}

// noopProgram registers n no-op resources.
func noopProgram(n int) pulumi.RunFunc {
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

// timedUp ups a fresh stack of program and returns how long the up took; the stack is
// destroyed afterwards (untimed).
func timedUp(ctx context.Context, tmp, name string, emu *emulator.Server, parallel int, program pulumi.RunFunc) (time.Duration, error) {
	stack, done, err := freshStack(ctx, tmp, "bench-fleet", name, emu, parallel, program)
	if err != nil {
		return 0, err
	}
	defer done()
	start := time.Now()
	if _, err := stack.Up(ctx, optup.Parallel(parallel), optup.ProgressStreams(io.Discard)); err != nil {
		return 0, err
	}
	return time.Since(start), nil
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
		log.Printf("fleet: 1 Invocation × %d instances, run %d/%d", len(ids), i+1, runs)
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

	log.Printf("fleet: pulumi up of 1 Invocation × %d instances", len(ids))
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
	var parsed struct {
		Resources []struct {
			Type    string         `json:"type"`
			Outputs map[string]any `json:"outputs"`
		} `json:"resources"`
	}
	if json.Unmarshal(dep.Deployment, &parsed) == nil {
		for _, res := range parsed.Resources {
			if strings.HasSuffix(res.Type, ":Invocation") {
				raw, _ := json.Marshal(resource.NewPropertyMapFromMap(res.Outputs).Mappable())
				log.Printf("fleet: the Invocation's outputs take %d bytes of state", len(raw))
			}
		}
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

func (f *fleetFigures) markdown(w func(string, ...any)) {
	w("\n## Fleets (issue 11)\n\n")
	w("*Engine floor*: `pulumi up` of N resources of a no-op provider built with pulumi-go-provider\n")
	w("(`bench/noop`), same CLI, fresh stack, `--parallel %d`. *Invocations*: `pulumi up` of N\n", f.Parallel)
	w("Invocations of `true` (one instance each) plus their Command. *Baseline*: the same N runs with\n")
	w("the direct SDK at the same parallelism. The provider's share is up − floor − baseline.\n\n")
	w("| N | Engine floor | `pulumi up`, N Invocations | Baseline | floor + baseline | up / (floor + baseline) |\n|---|---|---|---|---|---|\n")
	for _, r := range f.Rows {
		sum := r.Floor.median() + r.Baseline.median()
		w("| %d | %s (%s) | %s (%s) | %s (%s) | %s | %.2f× |\n", r.N, secs(r.Floor.median()), r.Floor.spread(),
			secs(r.Up.median()), r.Up.spread(), secs(r.Baseline.median()), r.Baseline.spread(), secs(sum), ratio(r.Up.median(), sum))
	}
	if b := f.Big; b != nil {
		w("\n**1 Invocation × %d instances** (%d batches of 100), in-process provider Create vs a direct-SDK\n", b.Instances, b.Batches)
		w("loop running the same batches (InvokeCommand each, then per poll one DescribeInvocations without\n")
		w("output per unfinished batch, outputs read once per finished batch).\n\n")
		w("| Provider Create | Baseline | Ratio | InvokeCommand | DescribeInvocations (status) | DescribeInvocationResults (output pages) | `pulumi up` | Provider peak RSS | State (stack export) |\n|---|---|---|---|---|---|---|---|---|\n")
		w("| %s (%s) | %s (%s) | %.2f× | %d | %d (%.1f per batch) | %d | %s | %s | %s |\n",
			secs(b.Provider.median()), b.Provider.spread(), secs(b.Baseline.median()), b.Baseline.spread(),
			ratio(b.Provider.median(), b.Baseline.median()), b.InvokeCalls, b.StatusCalls,
			float64(b.StatusCalls)/float64(max(1, b.Batches)), b.ResultCalls, secs(b.Up), mib(b.PeakRSS),
			fmt.Sprintf("%.2f MB", float64(b.StateBytes)/1e6))
		w("\nA poll reads each running batch once (%d batches: at most %d status calls per poll).\n", b.Batches, b.Batches)
	}
}

func (f *fleetFigures) targets() []target {
	var out []target
	for _, r := range f.Rows {
		sum := r.Floor.median() + r.Baseline.median()
		q := ratio(r.Up.median(), sum)
		out = append(out, target{fmt.Sprintf("`pulumi up` of %d Invocations ≤ 1.1 × (engine floor + baseline)", r.N),
			fmt.Sprintf("%s vs %s + %s = %.2f×", secs(r.Up.median()), secs(r.Floor.median()), secs(r.Baseline.median()), q), q <= 1.1})
	}
	if b := f.Big; b != nil && len(b.Provider) > 0 {
		q := ratio(b.Provider.median(), b.Baseline.median())
		out = append(out, target{fmt.Sprintf("1 Invocation × %d instances ≤ 1.2× the direct-SDK batches", b.Instances),
			fmt.Sprintf("%s vs %s = %.2f×", secs(b.Provider.median()), secs(b.Baseline.median()), q), q <= 1.2})
		out = append(out, target{fmt.Sprintf("State of a %d-instance Invocation < 2 MB", b.Instances),
			fmt.Sprintf("%.2f MB (whole stack export)", float64(b.StateBytes)/1e6), b.StateBytes < 2e6})
	}
	return out
}
