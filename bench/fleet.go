package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// Fleet figures (issue 11): the engine floor beside N Invocations, and one Invocation on a
// 1,000-instance fleet beside a direct-SDK loop running the same batches.

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
	tmp := env.tmp
	progress.Printf("fleet: building the no-op provider")
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

	if f.Rows, err = measureFloors(ctx, tmp, be, f.Parallel, runs); err != nil {
		return err
	}
	big, err := measureBigFleet(ctx, tmp, env.pidFile, runs)
	f.Big = big
	return err
}

// bigFleetOnly measures 1 Invocation × 1,000 instances alone (-only bigfleet): the figure an
// emulator change (issue 20: every run enters its instance) can move, without the engine floors.
func bigFleetOnly(ctx context.Context, r *report, runs int) error {
	env, err := newBenchSetup()
	if err != nil {
		return err
	}
	defer env.close()
	f := &fleetFigures{Parallel: 4 * runtime.NumCPU()}
	r.Fleet = f
	f.Big, err = measureBigFleet(ctx, env.tmp, env.pidFile, runs)
	return err
}

func (f *fleetFigures) markdown(w func(string, ...any)) {
	w("\n## Fleets (issue 11)\n\n")
	w("*Engine floors*: `pulumi up` of the same N resources of a no-op provider built with\n")
	w("pulumi-go-provider (`bench/noop`), same CLI, fresh stack, `--parallel %d`. *Things*: one input\n", f.Parallel)
	w("echoed as one output. *Replicas*: the Invocations' program with no-op resources — each Replica\n")
	w("records the inputs and outputs a real Invocation of one instance recorded in this run, and\n")
	w("depends on a Thing in the Command's place — so the engine writes the same state. *Invocations*:\n")
	w("`pulumi up` of N Invocations of `true` (one instance each) plus their Command. *Baseline*: the\n")
	w("same N runs with the direct SDK at the same parallelism.\n\n")
	w("| N | Floor: Things | Floor: Replicas | `pulumi up`, N Invocations | Baseline | up / (Replicas + baseline) | up / (Things + baseline) | State: Things / Replicas / Invocations |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range f.Rows {
		w("| %d | %s | %s | %s | %s | %.2f× | %.2f× | %s / %s / %s |\n", r.N, r.Things.Took.figure(),
			r.Replicas.Took.figure(), r.Invocations.Took.figure(), r.Baseline.figure(),
			r.ratio(r.Replicas), r.ratio(r.Things), megabytes(r.Things.StateBytes), megabytes(r.Replicas.StateBytes), megabytes(r.Invocations.StateBytes))
	}
	w("\nThe target is against the Replicas: the engine rewrites the whole checkpoint after every\n")
	w("step, so what N resources cost it grows with what each records, and an Invocation records the\n")
	w("outputs issue 11 asks for (`results`, `invokeIds`, `summary`, …). Replicas − Things is that\n")
	w("cost, paid by a provider that calls nothing; the provider's own share is up − Replicas. The\n")
	w("Replicas' state is a little smaller than the Invocations' (the no-op provider's reference is\n")
	w("shorter, a Thing stands for the Command); the target counts only if they are within 10%%.\n")
	if b := f.Big; b != nil {
		w("\n**1 Invocation × %d instances** (%d batches of 100), in-process provider Create vs a direct-SDK\n", b.Instances, b.Batches)
		w("loop running the same batches (InvokeCommand each, then per poll one DescribeInvocations without\n")
		w("output per unfinished batch, outputs read once per finished batch).\n\n")
		w("| Provider Create | Baseline | Ratio | InvokeCommand | DescribeInvocations (status) | DescribeInvocationResults (output pages) | `pulumi up` | Provider peak RSS | State (stack export) |\n|---|---|---|---|---|---|---|---|---|\n")
		w("| %s | %s | %.2f× | %d | %d (%.1f per batch) | %d | %s | %s | %s |\n", b.Provider.figure(), b.Baseline.figure(),
			ratio(b.Provider.median(), b.Baseline.median()), b.InvokeCalls, b.StatusCalls,
			float64(b.StatusCalls)/float64(max(1, b.Batches)), b.ResultCalls, secs(b.Up), mib(b.PeakRSS),
			megabytes(b.StateBytes))
		w("\nA poll reads each running batch once (%d batches: at most %d status calls per poll).\n", b.Batches, b.Batches)
	}
}

func (f *fleetFigures) targets() []target {
	var out []target
	for _, r := range f.Rows {
		q := r.ratio(r.Replicas)
		out = append(out, target{fmt.Sprintf("`pulumi up` of %d Invocations ≤ 1.1 × (engine floor + baseline)", r.N),
			fmt.Sprintf("%s vs %s + %s = %.2f× (floor: %d no-op Replicas, state %s vs the Invocations' %s; %d no-op Things: %.2f×)",
				secs(r.Invocations.Took.median()), secs(r.Replicas.Took.median()), secs(r.Baseline.median()), q, r.N,
				megabytes(r.Replicas.StateBytes), megabytes(r.Invocations.StateBytes), r.N, r.ratio(r.Things)),
			q <= 1.1 && r.replicaRecordsTheSame()})
	}
	if b := f.Big; b != nil && len(b.Provider) > 0 {
		q := ratio(b.Provider.median(), b.Baseline.median())
		out = append(out, target{fmt.Sprintf("1 Invocation × %d instances ≤ 1.2× the direct-SDK batches", b.Instances),
			fmt.Sprintf("%s vs %s = %.2f×", secs(b.Provider.median()), secs(b.Baseline.median()), q), q <= 1.2})
		out = append(out, target{fmt.Sprintf("State of a %d-instance Invocation < 2 MB", b.Instances),
			megabytes(b.StateBytes) + " (whole stack export)", b.StateBytes < 2e6})
	}
	return out
}

// missNotes explains a missed fleet target from the figures.
func (f *fleetFigures) missNotes() []string {
	var out []string
	for _, r := range f.Rows {
		if !r.replicaRecordsTheSame() {
			out = append(out, fmt.Sprintf("`pulumi up` of %d: the Replicas' state (%s) is not within 10%% of the "+
				"Invocations' (%s), so they are no floor for it: `bench/noop` no longer records what an Invocation does.",
				r.N, megabytes(r.Replicas.StateBytes), megabytes(r.Invocations.StateBytes)))
		} else if r.ratio(r.Replicas) > 1.1 {
			out = append(out, fmt.Sprintf("`pulumi up` of %d: the Invocations took %s beyond the Replicas (the "+
				"provider's share through the engine), against %s for the same runs by direct SDK.", r.N,
				secs(r.Invocations.Took.median()-r.Replicas.Took.median()), secs(r.Baseline.median())))
		}
	}
	return out
}
