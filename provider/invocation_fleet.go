package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/poll"
)

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
