// Command bench measures the provider against the anchors of issue 6 and writes the figures,
// with the machine and date, to bench/results.md. Every target is a ratio to a baseline (a
// minimal direct-SDK loop) measured side by side in the same run, because the machines are
// noisy. `make bench` (scripts/bench.sh) runs it; nothing here fails on timing.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
)

// progress is the bench's own log on stderr. Not the log package's default logger: the
// Pulumi SDK linked in routes that through its own slog handler, which drops it.
var progress = log.New(os.Stderr, "", log.Ltime)

func main() {
	out := flag.String("out", "bench/results.md", "where to write the report")
	runs := flag.Int("runs", 5, "measured runs per latency figure (medians over these)")
	engineRuns := flag.Int("engine-runs", 5, "measured runs per pulumi up/preview figure")
	skipEngine := flag.Bool("skip-engine", false, "skip the figures that need the CLI and the provider binary")
	only := flag.String("only", "", `"fleet": measure only the fleet figures (engine floor, N Invocations, 1 × 1,000 instances); "isolation": only the cost of instances as machines; "bigfleet": only 1 Invocation × 1,000 instances`)
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	r := &report{Machine: describeMachine(), Runs: *runs, EngineRuns: *engineRuns}
	started := time.Now()
	if *only == "" {
		if err := inProcess(ctx, r, *runs); err != nil {
			progress.Fatal(err)
		}
	}
	if *only == "" || *only == "isolation" {
		progress.Printf("isolation: a run with and without, and 5,000 instances")
		f, err := measureIsolation(ctx, max(*runs*6, 30))
		if err != nil {
			progress.Fatal(err)
		}
		r.Isolation = f
	}
	if *only == "bigfleet" {
		if err := bigFleetOnly(ctx, r, *engineRuns); err != nil {
			progress.Fatal(err)
		}
	}
	if !*skipEngine && (*only == "" || *only == "fleet") {
		if err := throughTheEngine(ctx, r, *engineRuns, *only == ""); err != nil {
			progress.Fatal(err)
		}
	}
	r.Took = time.Since(started)
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		progress.Fatal(err)
	}
	if err := os.WriteFile(*out, []byte(r.markdown()), 0o644); err != nil {
		progress.Fatal(err)
	}
	fmt.Print(r.markdown())
	progress.Printf("wrote %s in %s", *out, r.Took.Round(time.Second))
}

// inProcess measures what needs no engine: Create latency against the baseline, and API
// calls per lifecycle.
func inProcess(ctx context.Context, r *report, runs int) error {
	emu, err := emulator.New(emulator.Options{Listen: "127.0.0.1:0", InstanceCount: 50})
	if err != nil {
		return err
	}
	defer emu.Close()
	prov, err := rig.NewProvider(ctx, emu)
	if err != nil {
		return err
	}
	direct, err := directClient(emu)
	if err != nil {
		return err
	}
	for _, sc := range []script{scriptTrue, scriptSleep2} {
		for _, n := range []int{1, 10, 50} {
			progress.Printf("latency: %s on %d instances", sc.Name, n)
			row, err := measureLatency(ctx, emu, prov, direct, sc, n, runs)
			if err != nil {
				return fmt.Errorf("latency of %s on %d: %w", sc.Name, n, err)
			}
			r.Latency = append(r.Latency, row)
		}
	}
	lookups, err := startLookupCounter(emu.URL())
	if err != nil {
		return err
	}
	defer lookups.Close()
	counted, err := rig.NewProviderAt(ctx, emu, lookups.URL())
	if err != nil {
		return err
	}
	for _, sc := range []script{scriptTrue, {"sleep 0.9", "sleep 0.9", 900 * time.Millisecond}} {
		progress.Printf("API calls: %s", sc.Name)
		row, err := countCalls(emu, counted, lookups, sc, runs)
		if err != nil {
			return fmt.Errorf("API calls of %s: %w", sc.Name, err)
		}
		r.Calls = append(r.Calls, row)
	}
	return nil
}

// throughTheEngine measures the fleet figures, and the engine figures too when withEngine:
// one build of the provider serves both.
func throughTheEngine(ctx context.Context, r *report, runs int, withEngine bool) error {
	env, err := newBenchSetup()
	if err != nil {
		return err
	}
	defer env.close()
	if withEngine {
		if err := engine(ctx, env, r, runs); err != nil {
			return err
		}
	}
	return fleet(ctx, env, r, runs)
}

// repoRoot is where bin/ and .tools/ are.
func repoRoot() string {
	root, err := harness.RepoRoot()
	if err != nil {
		progress.Fatal(err)
	}
	return root
}
