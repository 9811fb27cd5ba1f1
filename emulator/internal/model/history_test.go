package model

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/clock"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/store"
)

// newTestCloud is a model on st with two instances, a fake clock and a one-second schedule floor.
func newTestCloud(t *testing.T, st store.Store, sandbox string, fake *clock.Fake, maxHistory int) *Cloud {
	t.Helper()
	c, err := New(Config{Region: "cn-hangzhou", SandboxDir: sandbox, Store: st, Clock: fake, MaxHistory: maxHistory,
		MinScheduleInterval: time.Second, Instances: []Instance{{ID: "i-1", OSType: OSLinux, Status: InstanceRunning, AgentInstalled: true},
			{ID: "i-2", OSType: OSLinux, Status: InstanceRunning, AgentInstalled: true}}})
	require.NoError(t, err)
	return c
}

// fireAndWait advances the fake clock one second and waits until the runs it started end.
func fireAndWait(t *testing.T, c *Cloud, fake *clock.Fake) {
	t.Helper()
	fake.Advance(time.Second)
	require.Eventually(t, func() bool { return c.RunningCount() == 0 }, 5*time.Second, time.Millisecond)
}

// storedRuns counts the run records in st, and the total size of their values.
func storedRuns(t *testing.T, st store.Store) (n, size int) {
	t.Helper()
	require.NoError(t, st.ForEach(bucketRuns, func(_ string, v []byte) error { n++; size += len(v); return nil }))
	return n, size
}

func TestHistoryIsBoundedAndKeptPerRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st, err := store.OpenBolt(dir)
	require.NoError(t, err)
	fake := clock.NewFake(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
	c := newTestCloud(t, st, t.TempDir(), fake, 3)
	cmd, err := c.CreateCommand(CommandInput{Name: "n", Type: TypeShell, Content: `echo "run at $(date +%s%N)"; head -c 2000 /dev/zero | tr '\0' x`})
	require.NoError(t, err)
	inv, err := c.Invoke(InvokeInput{CommandID: cmd.ID, InstanceIDs: []string{"i-1", "i-2"}, RepeatMode: RepeatPeriod, Frequency: "rate(1s)"})
	require.NoError(t, err)

	var sizes []int
	for range 8 {
		fireAndWait(t, c, fake)
		c.w.Flush()
		_, size := storedRuns(t, st)
		sizes = append(sizes, size)
	}
	n, _ := storedRuns(t, st)
	assert.Equal(t, 2*3, n, "three records per instance are kept; the older ones are deleted")
	assert.Equal(t, sizes[3], sizes[7], "the stored history stops growing once the bound is reached")

	// One record per run: the invocation record holds no run and no output.
	raw, ok, err := st.Get(bucketInvocations, inv.ID)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Less(t, len(raw), 2000, "the invocation record does not carry the outputs")

	// Memory: only the latest run of each instance keeps its output.
	c.mu.Lock()
	for _, tg := range c.invocations[inv.ID].Targets {
		require.Len(t, tg.Runs, 3)
		assert.Nil(t, tg.Runs[0].Output)
		assert.Nil(t, tg.Runs[1].Output)
		assert.NotNil(t, tg.Runs[2].Output)
	}
	c.mu.Unlock()

	// The history still answers every kept run with its own output, newest first.
	rows := c.Results(ResultFilter{InvokeID: inv.ID, InstanceID: "i-1", IncludeHistory: true})
	require.Len(t, rows, 3)
	outputs := map[string]bool{}
	for i, r := range rows {
		assert.Equal(t, 8-i, r.Repeats)
		assert.Equal(t, StatusSuccess, r.Status)
		assert.True(t, strings.HasPrefix(string(r.Output), "run at "), "row %d: %q", i, r.Output)
		outputs[string(r.Output)] = true
	}
	assert.Len(t, outputs, 3, "each run has its own output")

	// A restart reads the same history back.
	c.Close()
	require.NoError(t, st.Close())
	st, err = store.OpenBolt(dir)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	c2 := newTestCloud(t, st, t.TempDir(), fake, 3)
	t.Cleanup(c2.Close)
	again := c2.Results(ResultFilter{InvokeID: inv.ID, InstanceID: "i-1", IncludeHistory: true})
	require.Len(t, again, 3)
	for i := range rows {
		assert.Equal(t, rows[i].Output, again[i].Output)
	}
}

func TestHistoryDropsRunsOlderThanFourWeeks(t *testing.T) {
	t.Parallel()
	fake := clock.NewFake(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
	c := newTestCloud(t, store.NewMemory(), t.TempDir(), fake, 100)
	t.Cleanup(c.Close)
	cmd, err := c.CreateCommand(CommandInput{Name: "n", Type: TypeShell, Content: "true"})
	require.NoError(t, err)
	inv, err := c.Invoke(InvokeInput{CommandID: cmd.ID, InstanceIDs: []string{"i-1"}, RepeatMode: RepeatEveryReboot})
	require.NoError(t, err)
	boot := func() {
		require.NoError(t, c.RebootInstance("i-1"))
		require.Eventually(t, func() bool { return c.RunningCount() == 0 }, 5*time.Second, time.Millisecond)
	}
	boot()
	boot()
	fake.Advance(HistoryAge - time.Hour)
	boot()
	assert.Len(t, c.Results(ResultFilter{InvokeID: inv.ID, IncludeHistory: true}), 3)
	fake.Advance(2 * time.Hour)
	boot()
	rows := c.Results(ResultFilter{InvokeID: inv.ID, IncludeHistory: true})
	require.Len(t, rows, 2, "the two runs of four weeks ago are gone")
	assert.Equal(t, []int{4, 3}, []int{rows[0].Repeats, rows[1].Repeats})
}

func TestLegacyHistoryIsMovedToRunRecords(t *testing.T) {
	t.Parallel()
	st := store.NewMemory()
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	legacy := map[string]any{
		"id": "t-legacy", "commandId": "c-x", "commandType": TypeShell, "repeatMode": RepeatEveryReboot, "created": start,
		"targets": []map[string]any{{"instanceId": "i-1", "status": StatusScheduled, "repeats": 2, "runs": []map[string]any{
			{"repeat": 1, "status": StatusSuccess, "output": []byte("one"), "start": start, "finish": start},
			{"repeat": 2, "status": StatusSuccess, "output": []byte("two"), "start": start, "finish": start},
		}}},
	}
	b, err := json.Marshal(legacy)
	require.NoError(t, err)
	require.NoError(t, st.Put(bucketInvocations, "t-legacy", b))
	c := newTestCloud(t, st, t.TempDir(), clock.NewFake(start), 100)
	c.w.Flush()
	n, _ := storedRuns(t, st)
	assert.Equal(t, 2, n)
	raw, _, err := st.Get(bucketInvocations, "t-legacy")
	require.NoError(t, err)
	assert.NotContains(t, string(raw), `"runs"`)
	rows := c.Results(ResultFilter{InvokeID: "t-legacy", IncludeHistory: true})
	require.Len(t, rows, 2)
	assert.Equal(t, []string{"two", "one"}, []string{string(rows[0].Output), string(rows[1].Output)})
	c.Close()
}
