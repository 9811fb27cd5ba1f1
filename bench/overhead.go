package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
)

// script is one workload: its text and how long it runs on its own. The emulator reports
// start and finish to the second only, so the nominal duration is what gets subtracted.
type script struct {
	Name    string
	Text    string
	Nominal time.Duration
}

var (
	scriptTrue   = script{"true", "true", 0}
	scriptSleep2 = script{"sleep 2", "sleep 2", 2 * time.Second}
)

// latencyRow is one (script, instance count) cell: the provider's Create and the baseline
// loop, measured alternately so both see the same noise.
type latencyRow struct {
	Script    script
	Instances int
	Provider  samples
	Baseline  samples
	// SleepFirst is the baseline loop sleeping before its first read (1 instance only).
	SleepFirst samples
}

// measureLatency times Invocation Create through the in-process provider against the
// baseline loop, runs times each, interleaved.
func measureLatency(ctx context.Context, emu *emulator.Server, prov *rig.Provider, direct *ecs.Client,
	sc script, n, runs int,
) (latencyRow, error) {
	row := latencyRow{Script: sc, Instances: n}
	instances := emu.InstanceIDs()[:n]
	cmdRes, err := prov.Create(rig.CommandToken, "cmd-"+sc.Name, rig.CommandInputs(sc.Text), 0)
	if err != nil {
		return row, fmt.Errorf("creating the command: %w", err)
	}
	commandID := rig.String(cmdRes.Outputs, "commandId")
	defer func() { _ = prov.Delete(rig.CommandToken, "cmd-"+sc.Name, cmdRes) }()
	baseCmd, err := createCommand(direct, sc.Text)
	if err != nil {
		return row, err
	}
	// One unmeasured round of each warms connections and caches.
	if _, err := timeCreate(prov, commandID, instances); err != nil {
		return row, err
	}
	if _, err := baselineRun(ctx, direct, baseCmd, instances); err != nil {
		return row, err
	}
	for i := range runs {
		// Alternate which goes first, so neither always follows the other's cleanup.
		order := []string{"provider", "baseline"}
		if n == 1 {
			order = append(order, "sleep-first")
		}
		if i%2 == 1 {
			slices.Reverse(order)
		}
		for _, which := range order {
			switch which {
			case "provider":
				d, err := timeCreate(prov, commandID, instances)
				if err != nil {
					return row, err
				}
				row.Provider = append(row.Provider, d)
			case "baseline":
				d, err := baselineRun(ctx, direct, baseCmd, instances)
				if err != nil {
					return row, err
				}
				row.Baseline = append(row.Baseline, d)
			case "sleep-first":
				d, err := baselineSleepFirst(ctx, direct, baseCmd, instances)
				if err != nil {
					return row, err
				}
				row.SleepFirst = append(row.SleepFirst, d)
			}
		}
	}
	return row, nil
}

// timeCreate times one Invocation Create (Check and Delete are outside the timing: the
// engine runs them as steps of their own).
func timeCreate(prov *rig.Provider, commandID string, instances []string) (time.Duration, error) {
	name := fmt.Sprintf("inv-%d", time.Now().UnixNano())
	checked, err := prov.CheckInputs(rig.InvocationToken, name, rig.InvocationInputs(commandID, instances))
	if err != nil {
		return 0, err
	}
	start := time.Now()
	res, err := prov.CreateChecked(rig.InvocationToken, name, checked, 0)
	d := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("creating the invocation: %w", err)
	}
	_ = prov.Delete(rig.InvocationToken, name, res)
	return d, nil
}
