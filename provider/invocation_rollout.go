package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/poll"
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
	// lost is the batch whose InvokeCommand answer never came; it leads the queue, and the
	// next start (or the next up, from state) sends it again with the same token.
	lost   *UnconfirmedBatch
	halted bool // maxErrors was exceeded: queue is never started

	// tags mark every batch for adoption (adopt.go); nil: none. adopted counts the batches
	// an interrupted update had started that this rollout took over.
	tags    map[string]string
	adopted int
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
		b.done = len(b.ids) > 0 && b.settled(r.mode)
	}
	r.queue = nil
	r.lost = st.UnconfirmedBatch
	for _, id := range st.TargetInstanceIDs {
		if !started[id] {
			r.queue = append(r.queue, id)
		}
	}
}

// run starts the batches and, when waiting, polls until every started batch has finished
// and nothing more may start (Outcome.Done false: ctx ended first). It waits through
// poll.Until like every other wait; the read schedule starts again whenever a batch starts,
// so a new batch is read as early as the first.
func (r *rollout) run(ctx context.Context) poll.Outcome {
	if err := r.resendLost(ctx); err != nil {
		return poll.Outcome{Err: err}
	}
	if !r.wait {
		for len(r.queue) > 0 {
			if err := r.startBatch(ctx, min(maxBatch, len(r.queue))); err != nil {
				return poll.Outcome{Err: err}
			}
		}
		return poll.Outcome{Done: true}
	}
	schedule := poll.NewSchedule(time.Now())
	if _, err := r.startAllowed(ctx); err != nil {
		return poll.Outcome{Err: err}
	}
	if r.finished() {
		return poll.Outcome{Done: true}
	}
	return schedule.Until(ctx, func(ctx context.Context) (bool, string, error) {
		if err := r.poll(ctx); err != nil {
			return false, "", err
		}
		started, err := r.startAllowed(ctx)
		if err != nil {
			return false, "", err
		}
		if started {
			schedule.Restart()
		}
		return r.finished(), r.progress(), nil
	})
}

// finished reports that nothing runs and nothing more may start.
func (r *rollout) finished() bool {
	return r.running() == 0 && (len(r.queue) == 0 || r.halted)
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

// startBatch starts the first size instances of the queue as one batch. When the call
// fails its outcome is unknown: the batch is kept as lost, to be sent again as it was.
func (r *rollout) startBatch(ctx context.Context, size int) error {
	ids := r.queue[:size]
	token := batchToken(r.base, r.group, len(r.batches))
	if r.lost != nil {
		ids, token = r.lost.InstanceIDs, r.lost.ClientToken
	}
	args := r.args
	args.InstanceIDs = ids
	req := invokeRequest(args, token)
	tagInvoke(req, r.tags)
	id, err := r.client.InvokeCommand(ctx, req)
	if err != nil {
		r.lost = &UnconfirmedBatch{ClientToken: token, InstanceIDs: append([]string{}, ids...)}
		return fmt.Errorf("starting batch %d (%d instance%s; the next up sends it again with the same ClientToken, "+
			"so it runs at most once): %w", len(r.batches)+1, len(ids), pluralS(len(ids)), err)
	}
	r.batches = append(r.batches, newBatchRun(id, ids))
	r.queue = r.queue[len(ids):]
	r.lost = nil
	return nil
}

// poll reads each running batch once (batchRun.read), in turn: a throttled read holds the
// whole round back, and the client's throttle gate holds back every other caller too.
func (r *rollout) poll(ctx context.Context) error {
	for _, b := range r.batches {
		if b.done {
			continue
		}
		if err := b.read(ctx, r.client, r.mode, r.outputLimit > 0); err != nil {
			return err
		}
	}
	return nil
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
		if !b.done {
			n += len(b.ids) - b.finishedCount(r.mode)
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

// progress is the status line: instances finished, batches started, failures.
func (r *rollout) progress() string {
	finished := 0
	for _, b := range r.batches {
		finished += b.finishedCount(r.mode)
	}
	return fmt.Sprintf("%d/%d instances finished (%d batch%s started, %d failed)",
		finished, len(r.started())+len(r.queue), len(r.batches), pluralES(len(r.batches)), r.failures())
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
		if !slices.Contains(st.InvokeIDs, b.invokeID) {
			st.InvokeIDs = append(st.InvokeIDs, b.invokeID)
		}
	}
	if len(st.InvokeIDs) > 0 {
		st.InvokeID = st.InvokeIDs[0]
	}
	st.NotStartedInstanceIDs = r.notStarted()
	st.UnconfirmedBatch = r.lost
	st.Status = string(overallStatus(results, r.mode))
	st.Summary = summarize(results, len(st.NotStartedInstanceIDs))
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
