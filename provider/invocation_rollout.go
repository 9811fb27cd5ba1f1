package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	p "github.com/pulumi/pulumi-go-provider"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

// A rollout runs one command on a fleet: batches of at most maxBatch instances, at most
// maxConcurrency instances running at once (the next batch starting as earlier ones
// finish), and no further batch once more than maxErrors instances failed. While waiting it
// reads each running batch's per-instance statuses without output (one DescribeInvocations
// call per running batch per poll, in turn, so a throttled call slows the whole round), and
// reads a batch's outputs once, when the batch has finished.
type rollout struct {
	client *ecsclient.Client
	args   InvocationArgs
	mode   RepeatMode
	base   string // the ClientToken the batches' tokens derive from
	group  string // "" for a Create; convergeGroup(...) for instances an update adds
	total  int    // instances of the whole Invocation, for percentages and the output share

	maxConcurrency int // 0: no limit
	maxErrors      int // -1: no limit
	outputLimit    int
	wait           bool // false: start every batch and return

	batches []*batchRun
	queue   []string // instances not started yet
	halted  bool     // maxErrors was exceeded: queue is never started

	// Counters for the benchmark and the progress line.
	statusCalls, rounds int
	lastLine            string
}

// batchRun is one InvokeCommand's instances and what is known of them.
type batchRun struct {
	invokeID string
	ids      []string
	results  map[string]InvocationResult
	done     bool
}

func newRollout(client *ecsclient.Client, args InvocationArgs, targets []string, total int, base, group string) *rollout {
	mode := effectiveMode(args)
	wait := deref(args.WaitForCompletion) && mode != RepeatNextRebootOnly && mode != RepeatEveryReboot
	return &rollout{
		client: client, args: args, mode: mode, base: base, group: group, total: total,
		maxConcurrency: concurrencyOf(args.MaxConcurrency, total),
		maxErrors:      errorBudgetOf(args.MaxErrors, total),
		outputLimit:    outputLimitOf(args, total),
		wait:           wait,
		queue:          append([]string(nil), targets...),
	}
}

// resume rebuilds a rollout's batches from a recorded state, to wait for them again.
func (r *rollout) resume(st *InvocationState) {
	byBatch := map[string]*batchRun{}
	for _, id := range st.InvokeIDs {
		b := &batchRun{invokeID: id, results: map[string]InvocationResult{}}
		byBatch[id] = b
		r.batches = append(r.batches, b)
	}
	started := map[string]bool{}
	for _, res := range st.Results {
		if b := byBatch[res.InvokeID]; b != nil {
			b.ids = append(b.ids, res.InstanceID)
			b.results[res.InstanceID] = res
			started[res.InstanceID] = true
		}
	}
	for _, b := range r.batches {
		b.done = len(b.ids) > 0 && r.batchSettled(b)
	}
	r.queue = nil
	for _, id := range st.TargetInstanceIDs {
		if !started[id] {
			r.queue = append(r.queue, id)
		}
	}
}

// run starts the batches and, when waiting, polls until every started batch has finished
// and nothing more may start. done is false when ctx ended first.
func (r *rollout) run(ctx context.Context) (done bool, err error) {
	if !r.wait {
		for len(r.queue) > 0 {
			if err := r.startBatch(ctx, min(maxBatch, len(r.queue))); err != nil {
				return false, err
			}
		}
		return true, nil
	}
	lastStart := time.Now()
	n := 0
	for {
		started, err := r.startAllowed(ctx)
		if err != nil {
			return false, err
		}
		if started {
			lastStart, n = time.Now(), 0
		}
		if r.running() == 0 && (len(r.queue) == 0 || r.halted) {
			return true, nil
		}
		if !sleepUntil(ctx, time.Now().Add(pollDelay(n, time.Since(lastStart)))) {
			return false, nil
		}
		n++
		if err := r.poll(ctx); err != nil {
			if ctx.Err() != nil {
				return false, nil
			}
			return false, err
		}
		r.progress(ctx)
	}
}

// startAllowed starts batches while the limits allow. A new batch waits until at least a
// quarter of maxConcurrency is free (or all that is left fits), so a slow fleet is not cut
// into one-instance calls: the service allows 5,000 InvokeCommand calls a day per region.
func (r *rollout) startAllowed(ctx context.Context) (bool, error) {
	started := false
	for len(r.queue) > 0 && !r.halted {
		if r.maxErrors >= 0 && r.failures() > r.maxErrors {
			r.halted = true
			break
		}
		size := min(maxBatch, len(r.queue))
		if r.maxConcurrency > 0 {
			free := r.maxConcurrency - r.runningInstances()
			if free < min(size, max(1, r.maxConcurrency/4)) {
				break
			}
			size = min(size, free)
		}
		if err := r.startBatch(ctx, size); err != nil {
			return started, err
		}
		started = true
	}
	return started, nil
}

func (r *rollout) startBatch(ctx context.Context, size int) error {
	ids := r.queue[:size]
	args := r.args
	args.InstanceIDs = ids
	token := batchToken(r.base, r.group, len(r.batches))
	id, err := r.client.InvokeCommand(ctx, invokeRequest(args, token))
	if err != nil {
		return fmt.Errorf("starting batch %d (%d instance%s): %w", len(r.batches)+1, size, pluralS(size), err)
	}
	b := &batchRun{invokeID: id, ids: append([]string(nil), ids...), results: map[string]InvocationResult{}}
	for _, iid := range ids {
		b.results[iid] = InvocationResult{InstanceID: iid, InvokeID: id, Status: string(InstancePending)}
	}
	r.batches = append(r.batches, b)
	r.queue = r.queue[size:]
	return nil
}

// poll reads each running batch once: statuses without output; the outputs, paged, once
// the batch has finished.
func (r *rollout) poll(ctx context.Context) error {
	r.rounds++
	for _, b := range r.batches {
		if b.done {
			continue
		}
		inv, err := r.client.DescribeInvocation(ctx, b.invokeID)
		r.statusCalls++
		if err != nil {
			return err
		}
		for _, ii := range inv.InvokeInstances.InvokeInstance {
			b.results[ii.InstanceId] = resultFromStatus(ii, b.invokeID)
		}
		if !r.batchSettled(b) {
			continue
		}
		if r.outputLimit > 0 {
			raw, err := r.client.DescribeInvocationResults(ctx, b.invokeID)
			if err != nil {
				return err
			}
			for _, res := range convertResults(raw) {
				res.InvokeID = b.invokeID
				b.results[res.InstanceID] = res
			}
		}
		b.done = true
	}
	return nil
}

func resultFromStatus(ii ecs.InvokeInstance, invokeID string) InvocationResult {
	status := ii.InvocationStatus
	if status == "" {
		status = ii.InstanceInvokeStatus
	}
	return InvocationResult{
		InstanceID: ii.InstanceId, InvokeID: invokeID, Status: status, ExitCode: int(ii.ExitCode),
		Dropped: ii.Dropped, ErrorCode: ii.ErrorCode, ErrorInfo: ii.ErrorInfo,
		StartTime: ii.StartTime, FinishedTime: ii.FinishTime, Repeats: ii.Repeats,
	}
}

func (r *rollout) batchSettled(b *batchRun) bool {
	for _, id := range b.ids {
		res, ok := b.results[id]
		if !ok || !InstanceStatus(res.Status).settled(r.mode) {
			return false
		}
	}
	return true
}

func (r *rollout) running() int {
	n := 0
	for _, b := range r.batches {
		if !b.done {
			n++
		}
	}
	return n
}

// runningInstances counts the instances of unfinished batches that have not settled.
func (r *rollout) runningInstances() int {
	n := 0
	for _, b := range r.batches {
		if b.done {
			continue
		}
		for _, id := range b.ids {
			if !InstanceStatus(b.results[id].Status).settled(r.mode) {
				n++
			}
		}
	}
	return n
}

func (r *rollout) failures() int {
	n := 0
	for _, b := range r.batches {
		for _, id := range b.ids {
			s := b.results[id].Status
			if InstanceStatus(s).settled(r.mode) && !InstanceStatus(s).succeeded(r.mode) {
				n++
			}
		}
	}
	return n
}

func (r *rollout) progress(ctx context.Context) {
	finished := 0
	for _, b := range r.batches {
		for _, id := range b.ids {
			if InstanceStatus(b.results[id].Status).settled(r.mode) {
				finished++
			}
		}
	}
	line := fmt.Sprintf("%d/%d instances finished (%d batch%s started, %d failed)",
		finished, len(r.started())+len(r.queue), len(r.batches), pluralES(len(r.batches)), r.failures())
	if line != r.lastLine {
		p.GetLogger(ctx).InfoStatus(line)
		r.lastLine = line
	}
}

// started lists the started instances in batch order.
func (r *rollout) started() []string {
	var out []string
	for _, b := range r.batches {
		out = append(out, b.ids...)
	}
	return out
}

// record writes what the rollout knows into the state.
func (r *rollout) record(st *InvocationState, keep []InvocationResult) {
	results := append([]InvocationResult{}, keep...)
	for _, b := range r.batches {
		for _, id := range b.ids {
			results = append(results, b.results[id])
		}
	}
	limitOutputs(results, r.outputLimit)
	st.Results = results
	for _, b := range r.batches {
		if !containsString(st.InvokeIDs, b.invokeID) {
			st.InvokeIDs = append(st.InvokeIDs, b.invokeID)
		}
	}
	if len(st.InvokeIDs) > 0 {
		st.InvokeID = st.InvokeIDs[0]
	}
	st.NotStartedInstanceIDs = append([]string{}, r.queue...)
	st.Status = string(overallStatus(results, r.mode))
	st.Summary = summarize(results, len(r.queue))
	st.FailedInstanceIDs = failedIDs(results, r.mode)
}

// haltMessage explains a rollout that maxErrors stopped.
func (r *rollout) haltMessage(st *InvocationState) string {
	failed := failedInstances(st.Results, r.mode)
	var b strings.Builder
	fmt.Fprintf(&b, "invocation %s of command %s stopped its rollout: %d instance%s failed, more than maxErrors %q allows; "+
		"%d instance%s never started: %s",
		st.InvokeID, st.CommandID, len(failed), pluralS(len(failed)), deref(r.args.MaxErrors),
		len(r.queue), pluralS(len(r.queue)), abbreviate(r.queue, 20))
	b.WriteString(".\nFailed:\n" + failedLines(st, failed, resultsSecret(st.InvocationArgs)))
	return b.String()
}

// abbreviate joins ids, naming at most n of them.
func abbreviate(ids []string, n int) string {
	if len(ids) <= n {
		return strings.Join(ids, ", ")
	}
	return strings.Join(ids[:n], ", ") + fmt.Sprintf(" and %d more (see notStartedInstanceIds)", len(ids)-n)
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func pluralES(n int) string {
	if n == 1 {
		return ""
	}
	return "es"
}
