package model

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/runner"
)

// No process a run started outlives the emulator: not at Close, and not across a crash. Each
// script carries the marker "<owner>/<run>" in its environment (runner.MarkerVar), where the
// owner is stable for a data directory; the pid and start time of each script process are
// recorded in the store while it runs. Close kills whatever still carries the owner's
// marker; New kills what a previous emulator on the same store left behind (the recorded
// processes whose start time still matches, and every process with the owner's marker).

const (
	bucketMeta      = "meta"
	bucketProcesses = "processes"
	metaOwner       = "owner"
)

// processRecord is a running script process, kept in the store while it runs.
type processRecord struct {
	Start uint64 `json:"start"` // clock ticks since boot, so a reused pid is not mistaken
	Run   string `json:"run"`
}

// loadOwner reads the owner id of the store, or makes one.
func (c *Cloud) loadOwner() error {
	v, ok, err := c.cfg.Store.Get(bucketMeta, metaOwner)
	if err != nil {
		return fmt.Errorf("reading the emulator's owner id: %w", err)
	}
	if ok && len(v) > 0 {
		c.owner = string(v)
		return nil
	}
	c.owner = newID("emu-", 16)
	return c.cfg.Store.Put(bucketMeta, metaOwner, []byte(c.owner))
}

// killLeftovers kills the processes a previous emulator on this store left running (it
// crashed, or was killed), before anything new runs.
func (c *Cloud) killLeftovers() error {
	pids := map[int]uint64{}
	var keys []string
	if err := c.cfg.Store.ForEach(bucketProcesses, func(k string, v []byte) error {
		keys = append(keys, k)
		var rec processRecord
		if pid, err := strconv.Atoi(k); err == nil && json.Unmarshal(v, &rec) == nil {
			pids[pid] = rec.Start
		}
		return nil
	}); err != nil {
		return fmt.Errorf("reading the recorded processes: %w", err)
	}
	if n := runner.KillMarked(c.owner+"/", pids); n > 0 {
		fmt.Fprintf(os.Stderr, "emulator: killed %d script processes left by a previous run on this data directory\n", n)
	}
	for _, k := range keys {
		if err := c.cfg.Store.Delete(bucketProcesses, k); err != nil {
			return err
		}
	}
	return nil
}

// marker is the runner.MarkerVar value of one run.
func (c *Cloud) marker(inv *Invocation, t *Target, run *Run) string {
	return fmt.Sprintf("%s/%s/%d", c.owner, runKey(inv.ID, t.InstanceID), run.Seq)
}

// recordProcess notes a script process while it runs.
func (c *Cloud) recordProcess(pid int, run string) {
	b, _ := json.Marshal(processRecord{Start: runner.StartTime(pid), Run: run})
	c.w.Put(bucketProcesses, strconv.Itoa(pid), b)
}

func (c *Cloud) forgetProcess(pid int) {
	if pid > 0 {
		c.w.Delete(bucketProcesses, strconv.Itoa(pid))
	}
}
