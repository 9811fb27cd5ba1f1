package model

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Run history. A periodic task makes a run on every instance at every firing; each run is its
// own record in the store (bucket "runs", key invoke/instance/seq), written when it changes and
// never again once final. Memory holds the runs' metadata and only the latest run's output per
// instance; older outputs are read from the store when DescribeInvocationResults asks for
// history. The history is bounded as the service bounds it: runs older than four weeks are
// dropped, and at most Config.MaxHistory (100) runs are kept per instance of an invocation.
// So each run costs a constant amount of work and the emulator's memory stays flat.

const bucketRuns = "runs"

// HistoryAge is how long run records are kept ("the last four weeks" of the API reference).
const HistoryAge = 28 * 24 * time.Hour

func runRecordKey(invokeID, instanceID string, seq int) string {
	return fmt.Sprintf("%s/%s/%010d", invokeID, instanceID, seq)
}

// final reports whether a run has reached a status it never leaves.
func (r *Run) final() bool {
	switch r.Status {
	case StatusPending, StatusRunning, StatusStopping:
		return false
	}
	return true
}

// appendRun adds run to t's history and drops what the bounds no longer keep. Callers hold c.mu.
func (c *Cloud) appendRun(inv *Invocation, t *Target, run *Run) {
	t.Records++
	run.Seq = t.Records
	if prev := t.LastRun(); prev != nil && prev.saved {
		prev.Output = nil // it is in the store
	}
	t.Runs = append(t.Runs, run)
	cutoff := c.cfg.Now().Add(-HistoryAge)
	drop := 0
	for drop < len(t.Runs)-1 && (len(t.Runs)-drop > c.cfg.MaxHistory || t.Runs[drop].Start.Before(cutoff)) {
		drop++
	}
	for _, old := range t.Runs[:drop] {
		c.w.Delete(bucketRuns, runRecordKey(inv.ID, t.InstanceID, old.Seq))
	}
	if drop > 0 {
		t.Runs = append(t.Runs[:0:0], t.Runs[drop:]...) // a new array, so the dropped runs are freed
	}
}

// saveRuns writes the records of inv's runs that changed since they were last written: the
// ones not yet final, and those that just became final. Callers hold c.mu.
func (c *Cloud) saveRuns(inv *Invocation) error {
	for _, t := range inv.Targets {
		last := t.LastRun()
		for _, r := range t.Runs {
			if r.saved {
				continue
			}
			if err := c.saveLater(bucketRuns, runRecordKey(inv.ID, t.InstanceID, r.Seq), r); err != nil {
				return err
			}
			if r.final() {
				r.saved = true
				if r != last {
					r.Output = nil
				}
			}
		}
	}
	return nil
}

// loadRuns attaches the stored runs to the loaded invocations, and moves the history of a
// state file from before run records into records. Callers hold no lock (start-up).
func (c *Cloud) loadRuns() error {
	err := c.cfg.Store.ForEach(bucketRuns, func(key string, v []byte) error {
		invokeID, rest, _ := strings.Cut(key, "/")
		instanceID, _, _ := strings.Cut(rest, "/")
		inv, ok := c.invocations[invokeID]
		if !ok {
			return c.cfg.Store.Delete(bucketRuns, key) // an orphan: its invocation is gone
		}
		t := inv.target(instanceID)
		if t == nil {
			return c.cfg.Store.Delete(bucketRuns, key)
		}
		var r Run
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("run record %s: %w", key, err)
		}
		r.saved = r.final()
		if prev := t.LastRun(); prev != nil {
			prev.Output = nil // only the latest output stays in memory
		}
		t.Runs = append(t.Runs, &r)
		return nil
	})
	if err != nil {
		return fmt.Errorf("loading run history: %w", err)
	}
	for _, id := range c.invOrder {
		inv := c.invocations[id]
		migrated := false
		for _, t := range inv.Targets {
			if len(t.LegacyRuns) == 0 {
				continue
			}
			legacy := t.LegacyRuns
			t.LegacyRuns = nil
			for _, r := range legacy {
				c.appendRun(inv, t, r)
			}
			migrated = true
		}
		if migrated {
			c.saveInvocation(inv)
		}
	}
	return nil
}

// storedOutput reads the output of a run whose output is no longer in memory.
func (c *Cloud) storedOutput(invokeID, instanceID string, r *Run) []byte {
	if r == nil || r.Output != nil || !r.saved {
		return r.outputOrNil()
	}
	v, ok, err := c.w.Get(bucketRuns, runRecordKey(invokeID, instanceID, r.Seq))
	if err != nil || !ok {
		return nil // dropped from the history meanwhile
	}
	var stored Run
	if json.Unmarshal(v, &stored) != nil {
		return nil
	}
	return stored.Output
}

func (r *Run) outputOrNil() []byte {
	if r == nil {
		return nil
	}
	return r.Output
}
