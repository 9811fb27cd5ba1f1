package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
)

// statusAction is the call that only reads an invocation's progress: the provider polls
// DescribeInvocations (status without output) and reads the outputs (DescribeInvocationResults)
// once, after the run has ended, so that read is not a status read.
const statusAction = "DescribeInvocations"

// callsRow counts the API calls of one Invocation lifecycle (Create, then Delete) of a
// script, from the emulator's per-action counters.
type callsRow struct {
	Script script
	// Create and Delete hold the calls of each phase, worst run (most calls) first.
	Create, Delete map[string]int64
	// Status is the largest number of status reads one Create made over the runs (the
	// adoption look-up, a DescribeInvocations too, not counted).
	Status int64
	// Lookups is the largest number of adoption look-ups one Create made; LookupTime and
	// CreateTime sum the look-ups' round trips and the Creates' wall time over the runs.
	Lookups                int64
	LookupTime, CreateTime time.Duration
}

// lookupShare is the look-ups' share of the Creates' wall time.
func (r callsRow) lookupShare() float64 {
	if r.CreateTime <= 0 {
		return 0
	}
	return float64(r.LookupTime) / float64(r.CreateTime)
}

// lookupAction names the adoption look-ups in the Create column.
const lookupAction = statusAction + " (adoption look-up)"

func (r callsRow) format(m map[string]int64) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// countCalls runs the lifecycle runs times on one instance and keeps the run with the most
// status reads: the target is a ceiling, so the worst run is the one to report.
// prov reaches emu through lookups, which tells the adoption look-ups from status reads.
func countCalls(emu *emulator.Server, prov *rig.Provider, lookups *lookupCounter, sc script, runs int) (callsRow, error) {
	row := callsRow{Script: sc, Status: -1}
	cmd, err := prov.Create(rig.CommandToken, "calls-cmd", rig.CommandInputs(sc.Text), 0)
	if err != nil {
		return row, err
	}
	defer func() { _ = prov.Delete(rig.CommandToken, "calls-cmd", cmd) }()
	commandID := rig.String(cmd.Outputs, "commandId")
	instances := emu.InstanceIDs()[:1]
	for i := range runs {
		name := fmt.Sprintf("calls-%d", i)
		checked, err := prov.CheckInputs(rig.InvocationToken, name, rig.InvocationInputs(commandID, instances))
		if err != nil {
			return row, err
		}
		before := emu.Stats().Actions
		lookupsBefore, lookupTimeBefore := lookups.snapshot()
		began := time.Now()
		res, err := prov.CreateChecked(rig.InvocationToken, name, checked, 0)
		if err != nil {
			return row, err
		}
		row.CreateTime += time.Since(began)
		lookupsAfter, lookupTimeAfter := lookups.snapshot()
		row.LookupTime += lookupTimeAfter - lookupTimeBefore
		n := lookupsAfter - lookupsBefore
		row.Lookups = max(row.Lookups, n)
		mid := emu.Stats().Actions
		if err := prov.Delete(rig.InvocationToken, name, res); err != nil {
			return row, err
		}
		after := emu.Stats().Actions
		create, del := diff(before, mid), diff(mid, after)
		if n > 0 {
			create[statusAction] -= n
			create[lookupAction] = n
			if create[statusAction] == 0 {
				delete(create, statusAction)
			}
		}
		if status := create[statusAction]; status > row.Status {
			row.Create, row.Delete, row.Status = create, del, status
		}
	}
	return row, nil
}

func diff(before, after map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, v := range after {
		if d := v - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}
