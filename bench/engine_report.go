package main

import "fmt"

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// megabytes formats the size of a state: MB, as the issues state their limits.
func megabytes(b int) string { return fmt.Sprintf("%.2f MB", float64(b)/1e6) }

func (e *engineFigures) row(n int) *engineRow {
	for i := range e.Rows {
		if e.Rows[i].N == n {
			return &e.Rows[i]
		}
	}
	return nil
}

func (e *engineFigures) markdown(w func(string, ...any)) {
	w("\n## Through the engine\n\n")
	w("The `pulumi` CLI from `.tools/`, the provider built from this tree, an inline Go program of one\n")
	w("Command and N Invocations of `true` (one instance each), a fresh stack per run, `--parallel %d`\n", e.Parallel)
	w("(the engine's default, 4×GOMAXPROCS, set explicitly). *Baseline*: the same N direct-SDK runs,\n")
	w("at most %d at once.\n\n", e.Parallel)
	w("Provider start → schema served (exec to GetSchema answered): %s (%s).\n\n", ms(e.Schema.median()), e.Schema.spread())
	w("*Provider alone*: the same N Creates (with Check) through the in-process provider at the same\n")
	w("parallelism, without the engine.\n\n")
	w("| Invocations | `pulumi preview` (all new) | `pulumi up` | `pulumi preview` (no changes) | Baseline, same runs | Provider alone | up / baseline | Provider peak RSS |\n")
	w("|---|---|---|---|---|---|---|---|\n")
	for _, r := range e.Rows {
		w("| %d | %s | %s | %s | %s | %s | %.1f× | %s |\n", r.N, r.Preview.figure(), r.Up.figure(),
			r.Noop.figure(), r.Baseline.figure(), r.InProc.figure(), ratio(r.Up.median(), r.Baseline.median()), mib(r.PeakRSS))
	}
	w("\nPeak RSS is the provider process's VmHWM, polled every 20 ms during `up`.\n")
	if r1, r100 := e.row(1), e.row(100); r1 != nil && r100 != nil {
		// The engine's fixed cost (CLI start, plugin load, program, checkpoints) is paid once
		// per up; the marginal cost is what 99 more Invocations add on each side.
		up := r100.Up.median() - r1.Up.median()
		base := r100.Baseline.median() - r1.Baseline.median()
		w("\nFixed cost of an `up` (1 Invocation, minus its baseline run): %s. Marginal cost of 99 more\n",
			secs(r1.Up.median()-r1.Baseline.median()))
		w("Invocations: %s through the engine vs %s for the baseline (%.1f×).\n", secs(up), secs(base), ratio(up, base))
	}
}

func (e *engineFigures) targets() []target {
	var out []target
	// The engine's own cost is not the provider's: the target of N Invocations against the
	// engine floor plus the baseline is in the fleet figures (fleet.go).
	r1, r10, r100 := e.row(1), e.row(10), e.row(100)
	if r1 != nil && r10 != nil && r100 != nil {
		// Linear means the same cost per resource from 10 to 100 as from 1 to 10. A 1 MiB floor
		// on the small step keeps GC noise from turning a flat curve into a "miss".
		small := max(r10.PeakRSS-r1.PeakRSS, 1<<20) / 9
		large := (r100.PeakRSS - r10.PeakRSS) / 90
		out = append(out, target{"Provider memory grows at most linearly (per resource, 10→100 ≤ 1→10)",
			fmt.Sprintf("%s / %s / %s at 1 / 10 / 100; %.0f KiB per resource 10→100 vs %.0f KiB 1→10",
				mib(r1.PeakRSS), mib(r10.PeakRSS), mib(r100.PeakRSS), float64(large)/1024, float64(small)/1024),
			large <= small})
	}
	return out
}
