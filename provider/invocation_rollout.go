package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"

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

// resendLost sends the recorded unconfirmed batch again, with its own token and instances,
// before any new batch starts.
func (r *rollout) resendLost(ctx context.Context) error {
	if r.lost == nil {
		return nil
	}
	ids := r.lost.InstanceIDs
	r.queue = append(append([]string(nil), ids...), setDiff(r.queue, ids)...)
	return r.startBatch(ctx, len(ids))
}

// notStarted is the queue less the unconfirmed batch, which may be running.
func (r *rollout) notStarted() []string {
	var lost []string
	if r.lost != nil {
		lost = r.lost.InstanceIDs
	}
	return append([]string{}, setDiff(r.queue, lost)...) // [] rather than nil: a list output
}

// Rollout limits and output budget of a fleet Invocation. maxConcurrency and maxErrors take
// a count ("10") or a share of the instances ("25%"), as AWS SSM's do.

// maxBatch is how many instances one InvokeCommand names (the API's limit per call).
const maxBatch = 100

// limit is a parsed maxConcurrency or maxErrors.
type limit struct {
	n       int
	percent bool
}

func parseLimit(s string) (limit, error) {
	s = strings.TrimSpace(s)
	if v, ok := strings.CutSuffix(s, "%"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100 {
			return limit{}, fmt.Errorf("is %q; a percentage must be a whole number from 0%% to 100%%", s)
		}
		return limit{n: n, percent: true}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return limit{}, fmt.Errorf(`is %q; it must be a count such as "10" or a percentage such as "25%%"`, s)
	}
	return limit{n: n}, nil
}

// concurrencyOf is how many instances may run at once out of total; 0 means no limit.
// A percentage rounds up and is at least 1, so "1%" of 10 instances still runs.
func concurrencyOf(s *string, total int) int {
	if s == nil || strings.TrimSpace(*s) == "" {
		return 0
	}
	l, err := parseLimit(*s)
	if err != nil {
		return 0 // Check rejects it first
	}
	if l.percent {
		return max(1, int(math.Ceil(float64(total)*float64(l.n)/100)))
	}
	return max(1, l.n)
}

// errorBudgetOf is how many instances may fail before no further batch starts; -1 means
// no limit. A percentage rounds down: "10%" of 5 instances tolerates none.
func errorBudgetOf(s *string, total int) int {
	if s == nil || strings.TrimSpace(*s) == "" {
		return -1
	}
	l, err := parseLimit(*s)
	if err != nil {
		return -1
	}
	if l.percent {
		return total * l.n / 100
	}
	return l.n
}

// How an Invocation meets a fleet: which instances it targets, when it takes the batched
// rollout (more than one batch, or rollout limits), and how the outcome is judged and
// recorded. The rollout itself is in invocation_rollout.go.

// needsRollout is true when the run cannot be one InvokeCommand waited on as a whole (the
// single-batch wait counts instanceIds, so tag-resolved targets take the rollout too).
func needsRollout(a InvocationArgs, targets int) bool {
	return targets > maxBatch || a.MaxConcurrency != nil || a.MaxErrors != nil || len(a.TargetTags) > 0
}

// resolveTargets returns the instances to run on: instanceIds as given, or the running
// instances carrying every targetTags tag, sorted.
func resolveTargets(ctx context.Context, client *ecsclient.Client, a InvocationArgs) ([]string, error) {
	if len(a.TargetTags) == 0 {
		return append([]string{}, a.InstanceIDs...), nil
	}
	filter := ecsclient.InstanceFilter{Tags: a.TargetTags, Status: "Running"}
	list, err := findInstances(ctx, client, filter)
	if err != nil {
		return nil, fmt.Errorf("resolving targetTags: %w", err)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("targetTags: no running instance in region %s carries %s", client.Region(), filter)
	}
	ids := make([]string, 0, len(list))
	for _, in := range list {
		ids = append(ids, in.InstanceID)
	}
	return ids, nil
}

// runFleet runs r, records the outcome in st (keep: results of instances an earlier run
// already covered) and judges it like waitAndJudge does for one batch. Errors after the
// first batch started are infer.ResourceInitFailedError: the Invocation exists either way.
func runFleet(ctx context.Context, client *ecsclient.Client, st *InvocationState, r *rollout, keep []InvocationResult) error {
	waitCtx, cancel := fleetWaitContext(ctx, client, st, r)
	defer cancel()
	began := time.Now()
	out := r.run(waitCtx)
	r.record(st, keep)
	st.RerunRequired = false
	// The messages count instanceIds; tag-resolved or converged targets are the ones to count.
	counted := *st
	counted.InstanceIDs = st.TargetInstanceIDs
	if out.Err != nil && len(st.InvokeIDs) == 0 {
		return out.Err // nothing started: nothing to record
	}
	if reason := out.Unfinished(ctx, poll.Texts{
		Doing: "rolling out invocation " + st.InvokeID,
		Cancelled: fmt.Sprintf("cancelled while rolling out invocation %s; started batches may still be running.",
			st.InvokeID),
		Timeout: func() string { return timeoutMessage(&counted, st.Results, time.Since(began)) },
		Resume: " The invocation is recorded; the next `pulumi up` waits for the started batches and " +
			"starts the rest (and replaces the invocation if it failed).",
	}); reason != "" {
		return infer.ResourceInitFailedError{Reasons: []string{reason}}
	}
	if !r.wait {
		return nil
	}
	policy := deref(st.FailurePolicy)
	if r.halted && len(r.queue) > 0 && policy != NeverFail {
		st.RerunRequired = true
		return infer.ResourceInitFailedError{Reasons: []string{r.haltMessage(st)}}
	}
	if violates(policy, st.Results, r.mode, len(st.TargetInstanceIDs)) {
		st.RerunRequired = true
		msg := failureMessage(&counted, failedInstances(st.Results, r.mode), resultsSecret(st.InvocationArgs))
		return infer.ResourceInitFailedError{Reasons: []string{msg}}
	}
	return nil
}

// fleetWaitContext bounds a rollout like poll.Bound bounds one run: by the engine's deadline
// (customTimeouts) when there is one, else by one run's timeout per wave of maxConcurrency
// instances, plus delivery. The deadline is checked first: the command's timeout costs a read.
func fleetWaitContext(ctx context.Context, client *ecsclient.Client, st *InvocationState, r *rollout) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok || !r.wait {
		return context.WithCancel(ctx)
	}
	timeout := deref(st.Timeout)
	if timeout == 0 {
		timeout = commandTimeout(ctx, client, st.CommandID)
	}
	waves := 1
	if r.maxConcurrency > 0 {
		waves = (len(r.queue) + r.maxConcurrency - 1) / r.maxConcurrency
	}
	c, cancel, _ := poll.Bound(ctx, time.Now(), max(1, waves)*timeout, poll.DefaultCommandTimeout)
	return c, cancel
}

// recordSingleBatch fills the fleet outputs of an Invocation that ran as one InvokeCommand.
func recordSingleBatch(st *InvocationState) {
	if st.InvokeID != "" && len(st.InvokeIDs) == 0 {
		st.InvokeIDs = []string{st.InvokeID}
	}
	if st.Results == nil {
		st.Results = []InvocationResult{}
	}
	for i := range st.Results {
		if st.Results[i].InvokeID == "" {
			st.Results[i].InvokeID = st.InvokeID
		}
	}
	if len(st.TargetInstanceIDs) == 0 {
		st.TargetInstanceIDs = append([]string{}, st.InstanceIDs...)
	}
	limitOutputs(st.Results, outputLimitOf(st.InvocationArgs, len(st.TargetInstanceIDs)))
	fillFleetOutputs(st)
}

// fillFleetOutputs derives summary and failedInstanceIds from the results.
func fillFleetOutputs(st *InvocationState) {
	if st.NotStartedInstanceIDs == nil {
		st.NotStartedInstanceIDs = []string{}
	}
	st.Summary = summarize(st.Results, len(st.NotStartedInstanceIDs))
	st.FailedInstanceIDs = failedIDs(st.Results, effectiveMode(st.InvocationArgs))
}

// refreshFleet re-reads every batch of a multi-batch Invocation (statuses and outputs).
func refreshFleet(ctx context.Context, client *ecsclient.Client, st *InvocationState) error {
	var all []InvocationResult
	for _, id := range st.InvokeIDs {
		raw, err := client.DescribeInvocationResults(ctx, id)
		if errors.Is(err, ecsclient.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		for _, res := range convertResults(raw) {
			res.InvokeID = id
			all = append(all, res)
		}
	}
	limitOutputs(all, outputLimitOf(st.InvocationArgs, len(st.TargetInstanceIDs)))
	st.Results = all
	st.Status = string(overallStatus(all, effectiveMode(st.InvocationArgs)))
	fillFleetOutputs(st)
	return nil
}

// Batches: an Invocation names any number of instances, and the provider sends them in
// InvokeCommand calls of at most maxBatch. Each call carries its own ClientToken, derived
// from the one the Create drew, so retrying a call (or a whole Create or converge that
// crashed half way) never runs a batch twice, while a new Create runs everything again.

// batchToken is the ClientToken of batch i of the group whose tokens derive from base. The
// first batch of a Create uses base itself, so a one-batch Invocation sends what it always
// did.
func batchToken(base, group string, i int) string {
	if group == "" && i == 0 {
		return base
	}
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%s/%d", base, group, i)))
	return hex.EncodeToString(sum[:16])
}

// convergeGroup names the batches that add instances to an existing Invocation: derived
// from the sorted added IDs, so a retried update adding the same instances reuses the same
// tokens.
func convergeGroup(added []string) string {
	ids := sortedCopy(added)
	sum := sha256.Sum256([]byte(strings.Join(ids, ",")))
	return "add-" + hex.EncodeToString(sum[:8])
}

// Adopting an Invocation's batches that an interrupted update started (adopt.go says how
// they are found): a Create, a converge (instances added) and a resumed rollout look them up
// before starting anything, wait for them, and start only the instances none of them has.

// invocationAttempt is what defines an Invocation's work: what runs, how, as whom. The
// instances are not part of it (a batch adopted is a batch that ran, whatever the list says
// now), nor the settings that only change how the provider waits and judges.
func invocationAttempt(a InvocationArgs) any {
	return struct {
		Command, Mode, Frequency, Username, WindowsPassword, Container, ContainerName, Termination, Launcher string
		Timeout                                                                                              *int
		Parameters                                                                                           map[string]string
		TargetTags                                                                                           map[string]string
		Triggers                                                                                             []any
	}{
		a.CommandID, string(effectiveMode(a)), deref(a.Frequency), deref(a.Username), deref(a.WindowsPasswordName),
		deref(a.ContainerID), deref(a.ContainerName), string(deref(a.TerminationMode)), deref(a.Launcher),
		a.Timeout, a.Parameters, a.TargetTags, a.Triggers,
	}
}

// tagInvoke adds the adoption tags to an InvokeCommand request.
func tagInvoke(r *ecs.InvokeCommandRequest, tags map[string]string) {
	if len(tags) == 0 {
		return
	}
	r.Tag = appendTags(r.Tag, tags, func(k, v string) ecs.InvokeCommandTag { return ecs.InvokeCommandTag{Key: k, Value: v} })
}

// adoptInterrupted looks up the batches tagged for this resource and attempt that no state
// records (recordedIDs: the state being updated; plus what Diff saw) and makes them the
// rollout's own: waited for, their instances taken off the queue. One call when there are
// none. It warns what it adopted.
func (r *rollout) adoptInterrupted(ctx context.Context, recordedIDs []string) error {
	if r.tags == nil {
		return nil
	}
	found, err := r.client.FindInvocationsByTags(ctx, r.tags)
	if err != nil {
		return fmt.Errorf("looking for batches an interrupted update started: %w", err)
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].CreationTime < found[j].CreationTime })
	urn := resourceURN(ctx)
	var adopted []string
	had := 0
	for _, inv := range found {
		if slices.Contains(recordedIDs, inv.InvokeId) || isRecorded(urn, inv.InvokeId) || r.hasBatch(inv.InvokeId) {
			continue
		}
		b := &batchRun{invokeID: inv.InvokeId, results: map[string]InvocationResult{}}
		for _, ii := range inv.InvokeInstances.InvokeInstance {
			b.ids = append(b.ids, ii.InstanceId)
			b.results[ii.InstanceId] = resultFromStatus(ii, inv.InvokeId)
		}
		r.batches = append(r.batches, b)
		r.queue = setDiff(r.queue, b.ids)
		if r.lost != nil && len(setDiff(r.lost.InstanceIDs, b.ids)) == 0 {
			r.lost = nil // the batch whose answer was lost did start: this is it
		}
		adopted = append(adopted, inv.InvokeId)
		had += len(b.ids)
	}
	r.adopted = len(adopted)
	if len(adopted) > 0 {
		p.GetLogger(ctx).Warning(adoptedMessage(batchesWord(len(adopted)), len(adopted), had, len(r.queue), adopted))
	}
	return nil
}

func (r *rollout) hasBatch(invokeID string) bool {
	for _, b := range r.batches {
		if b.invokeID == invokeID {
			return true
		}
	}
	return false
}
