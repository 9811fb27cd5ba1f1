package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

var (
	_ = (infer.CustomCheck[InvocationArgs])((*Invocation)(nil))
	_ = (infer.CustomDiff[InvocationArgs, InvocationState])((*Invocation)(nil))
	_ = (infer.CustomRead[InvocationArgs, InvocationState])((*Invocation)(nil))
	_ = (infer.CustomUpdate[InvocationArgs, InvocationState])((*Invocation)(nil))
	_ = (infer.CustomDelete[InvocationState])((*Invocation)(nil))
	_ = (infer.ExplicitDependencies[InvocationArgs, InvocationState])((*Invocation)(nil))
	_ = (infer.Annotated)((*Invocation)(nil))
)

// Create invokes the command and, unless told not to, waits for every instance. A failure
// by the policy, a timeout or a cancel still returns the state, so the invocation is
// recorded: a failed run is replaced by the next up, an unfinished one waited for again.
func (*Invocation) Create(ctx context.Context, req infer.CreateRequest[InvocationArgs]) (
	infer.CreateResponse[InvocationState], error,
) {
	in := req.Inputs
	state := InvocationState{InvocationArgs: in, Results: []InvocationResult{}}
	if req.DryRun {
		return infer.CreateResponse[InvocationState]{Output: state}, nil
	}
	client, err := getClient(ctx)
	if err != nil {
		return infer.CreateResponse[InvocationState]{}, err
	}
	targets, err := resolveTargets(ctx, client, in)
	if err != nil {
		return infer.CreateResponse[InvocationState]{}, err
	}
	state.TargetInstanceIDs = targets
	// One ClientToken per Create (each batch's derives from it): every retry of a call
	// reuses its token, so a retried request never starts the script twice, while a later
	// Create runs it again.
	token := ecsclient.NewClientToken()
	// Batches an interrupted update started for this resource are adopted, not run again.
	tags := adoptionTags(ctx, invocationAttempt(in))
	r := newRollout(client, in, targets, len(targets), token, "")
	r.tags = tags
	if err := r.adoptInterrupted(ctx, nil); err != nil {
		return infer.CreateResponse[InvocationState]{}, err
	}
	if r.adopted > 0 || needsRollout(in, len(targets)) {
		err := runFleet(ctx, client, &state, r, nil)
		if state.InvokeID == "" {
			return infer.CreateResponse[InvocationState]{}, withParameterHint(err, in.CommandID)
		}
		return infer.CreateResponse[InvocationState]{ID: state.InvokeID, Output: state}, err
	}
	single := in
	single.InstanceIDs = targets
	invoke := invokeRequest(single, token)
	tagInvoke(invoke, tags)
	started := time.Now()
	id, err := client.InvokeCommand(ctx, invoke)
	if err != nil {
		return infer.CreateResponse[InvocationState]{}, withParameterHint(err, in.CommandID)
	}
	state.InvokeID = id
	state.Status = string(InvocationPending)
	mode := deref(in.RepeatMode)
	if !deref(in.WaitForCompletion) || mode == RepeatNextRebootOnly || mode == RepeatEveryReboot {
		recordSingleBatch(&state)
		return infer.CreateResponse[InvocationState]{ID: id, Output: state}, nil
	}
	err = waitAndJudge(ctx, client, &state, started)
	recordSingleBatch(&state)
	return infer.CreateResponse[InvocationState]{ID: id, Output: state}, err
}

// Diff replaces the invocation on any input change (triggers included): an invocation is a
// run, and a changed run is a new run. A run that failed by the policy is replaced even
// without a change, like a tainted resource. Schedules are stopped before their replacement
// starts, so two never run at once.
func (*Invocation) Diff(_ context.Context, req infer.DiffRequest[InvocationArgs, InvocationState]) (infer.DiffResponse, error) {
	old, new := req.State.InvocationArgs, req.Inputs
	d := replaceDiff{}
	diffValue(d, "commandId", old.CommandID, new.CommandID)
	// The order of instances means nothing to the service (nor does the API return it).
	diffDeep(d, "instanceIds", sortedCopy(old.InstanceIDs), sortedCopy(new.InstanceIDs),
		len(old.InstanceIDs) == 0, len(new.InstanceIDs) == 0)
	diffValue(d, "repeatMode", effectiveMode(old), effectiveMode(new))
	diffPtr(d, "frequency", nilIfEmpty(deref(old.Frequency)), nilIfEmpty(deref(new.Frequency)))
	diffMap(d, "parameters", old.Parameters, new.Parameters)
	diffServerDefault(d, "username", nilIfEmpty(deref(old.Username)), nilIfEmpty(deref(new.Username)))
	diffPtr(d, "windowsPasswordName", nilIfEmpty(deref(old.WindowsPasswordName)), nilIfEmpty(deref(new.WindowsPasswordName)))
	diffServerDefault(d, "timeout", old.Timeout, new.Timeout)
	diffServerDefault(d, "containerId", nilIfEmpty(deref(old.ContainerID)), nilIfEmpty(deref(new.ContainerID)))
	diffServerDefault(d, "containerName", nilIfEmpty(deref(old.ContainerName)), nilIfEmpty(deref(new.ContainerName)))
	diffServerDefault(d, "terminationMode", old.TerminationMode, new.TerminationMode)
	diffServerDefault(d, "launcher", nilIfEmpty(deref(old.Launcher)), nilIfEmpty(deref(new.Launcher)))
	diffMap(d, "tags", old.Tags, new.Tags)
	diffServerDefault(d, "resourceGroupId", nilIfEmpty(deref(old.ResourceGroupID)), nilIfEmpty(deref(new.ResourceGroupID)))
	diffDeep(d, "triggers", old.Triggers, new.Triggers, len(old.Triggers) == 0, len(new.Triggers) == 0)
	// Provider-side settings: waiting, judging and secrecy (updated in place, see
	// inPlaceInputs). Defaults are filled in by Check, so an import's absent values count as
	// the defaults.
	diffValue(d, "waitForCompletion", boolOr(old.WaitForCompletion, true), boolOr(new.WaitForCompletion, true))
	diffValue(d, "failurePolicy", policyOr(old.FailurePolicy), policyOr(new.FailurePolicy))
	diffValue(d, "secretResults", resultsSecret(old), resultsSecret(new))
	// A run that failed by its policy runs again, unless the new policy accepts it.
	if req.State.RerunRequired && violates(policyOr(new.FailurePolicy), req.State.Results, deref(old.RepeatMode), len(old.InstanceIDs)) {
		d["rerunRequired"] = p.PropertyDiff{Kind: p.UpdateReplace}
	}
	diffMap(d, "targetTags", old.TargetTags, new.TargetTags)
	// Rollout settings (updated in place, see inPlaceInputs).
	diffPtr(d, "maxConcurrency", nilIfEmpty(deref(old.MaxConcurrency)), nilIfEmpty(deref(new.MaxConcurrency)))
	diffPtr(d, "maxErrors", nilIfEmpty(deref(old.MaxErrors)), nilIfEmpty(deref(new.MaxErrors)))
	diffPtr(d, "outputBytesPerInstance", old.OutputBytesPerInstance, new.OutputBytesPerInstance)
	d.classify(invocationToken)
	convergeDiff(d, req.State, new)
	return d.response(active(old) || active(new)), nil
}

// Update changes what can change without running the command again (see inPlaceInputs):
// tags through the API; resource group, waiting, failure policy, secrecy and the rollout
// settings in the record.
// It also runs for an invocation recorded with init errors that Diff does not replace: one
// whose outcome was unknown when the last up ended (a timeout or a cancel). It then waits for
// that same run and judges it, so a failure is reported (and re-run by the next up) and never
// accepted silently. A changed failure policy judges the recorded run again.
func (*Invocation) Update(ctx context.Context, req infer.UpdateRequest[InvocationArgs, InvocationState]) (
	infer.UpdateResponse[InvocationState], error,
) {
	state := req.State
	state.InvocationArgs = req.Inputs
	// Empty lists arrive as nil slices and would be recorded as null, which the next Delete
	// cannot decode (they are required outputs): keep them empty lists.
	for _, list := range []*[]string{&state.FailedInstanceIDs, &state.NotStartedInstanceIDs} {
		if *list == nil {
			*list = []string{}
		}
	}
	if req.DryRun {
		return infer.UpdateResponse[InvocationState]{Output: state}, nil
	}
	client, err := getClient(ctx)
	if err != nil {
		return infer.UpdateResponse[InvocationState]{}, err
	}
	old := req.State.InvocationArgs
	if err := updateInvocationMetadata(ctx, client, req.ID, req.State, state); err != nil {
		return infer.UpdateResponse[InvocationState]{Output: req.State}, infer.ResourceInitFailedError{Reasons: []string{
			"updating invocation " + req.ID + ": " + err.Error()}}
	}
	if len(state.TargetInstanceIDs) == 0 { // recorded before fleets: the IDs it ran on
		state.TargetInstanceIDs = append([]string{}, req.State.InstanceIDs...)
	}
	if instancesChanged(req.State, req.Inputs) {
		err := converge(ctx, client, &state, req.Inputs)
		return infer.UpdateResponse[InvocationState]{Output: state}, err
	}
	if len(state.InvokeIDs) > 1 || len(state.NotStartedInstanceIDs) > 0 || state.UnconfirmedBatch != nil {
		err := resumeFleet(ctx, client, &state)
		return infer.UpdateResponse[InvocationState]{Output: state}, err
	}
	mode := deref(state.RepeatMode)
	switch {
	case !deref(state.WaitForCompletion) || mode == RepeatNextRebootOnly || mode == RepeatEveryReboot:
		err := refreshResults(ctx, client, &state)
		recordSingleBatch(&state)
		return infer.UpdateResponse[InvocationState]{Output: state}, err
	case !runSettled(state.Status, mode):
		err = waitAndJudge(ctx, client, &state, time.Now())
		recordSingleBatch(&state)
		return infer.UpdateResponse[InvocationState]{Output: state}, err
	}
	// The recorded run, judged by the (possibly new) policy: a failure is reported again, so
	// it is never accepted silently, and the next up replaces it.
	failed := failedInstances(state.Results, mode)
	state.RerunRequired = violates(policyOr(state.FailurePolicy), state.Results, mode, len(state.InstanceIDs))
	if state.RerunRequired {
		return infer.UpdateResponse[InvocationState]{Output: state}, infer.ResourceInitFailedError{Reasons: []string{
			failureMessage(&state, failed, resultsSecret(state.InvocationArgs))}}
	}
	if len(failed) > 0 && policyOr(old.FailurePolicy) != policyOr(state.FailurePolicy) {
		p.GetLogger(ctx).Warning(toleratedMessage(&state, failed))
	}
	return infer.UpdateResponse[InvocationState]{Output: state}, nil
}

// runSettled reports whether the recorded run's outcome is known: finished, or scheduled.
func runSettled(status string, mode RepeatMode) bool {
	return InvocationStatus(status).terminal() || (mode == RepeatPeriod && InvocationStatus(status) == InvocationScheduled)
}

// Read refreshes status and results, or on import (a bare ID) rebuilds the inputs.
func (*Invocation) Read(ctx context.Context, req infer.ReadRequest[InvocationArgs, InvocationState]) (
	infer.ReadResponse[InvocationArgs, InvocationState], error,
) {
	client, err := getClient(ctx)
	if err != nil {
		return infer.ReadResponse[InvocationArgs, InvocationState]{}, err
	}
	importing := req.State.InvokeID == "" && req.State.CommandID == ""
	inv, err := client.DescribeInvocation(ctx, req.ID)
	switch {
	case errors.Is(err, ecsclient.ErrNotFound) && importing:
		return infer.ReadResponse[InvocationArgs, InvocationState]{}, fmt.Errorf(
			"cannot import invocation %s: no such invocation in region %s (records are kept for about four weeks)",
			req.ID, client.Region())
	case errors.Is(err, ecsclient.ErrNotFound) && deref(req.State.RepeatMode) == RepeatOnce && InvocationStatus(req.State.Status).terminal():
		// A finished one-shot run whose record expired: forgetting it would run it again.
		p.GetLogger(ctx).Warningf("invocation %s is no longer known to the service (records are kept for about "+
			"four weeks); keeping its last recorded results", req.ID)
		return infer.ReadResponse[InvocationArgs, InvocationState]{ID: req.ID, Inputs: req.State.InvocationArgs, State: req.State}, nil
	case errors.Is(err, ecsclient.ErrNotFound):
		return infer.ReadResponse[InvocationArgs, InvocationState]{}, nil
	case err != nil:
		return infer.ReadResponse[InvocationArgs, InvocationState]{}, err
	}
	state := req.State
	if importing {
		state = InvocationState{InvocationArgs: invocationArgsFrom(inv)}
		if inv, err = importBatches(ctx, client, inv, &state); err != nil {
			return infer.ReadResponse[InvocationArgs, InvocationState]{}, err
		}
	}
	state.InvokeID = inv.InvokeId
	wasRunning := !importing && !InvocationStatus(req.State.Status).terminal()
	if len(state.InvokeIDs) > 1 {
		if err := refreshFleet(ctx, client, &state); err != nil {
			return infer.ReadResponse[InvocationArgs, InvocationState]{}, err
		}
	} else {
		if err := refreshResults(ctx, client, &state); err != nil {
			return infer.ReadResponse[InvocationArgs, InvocationState]{}, err
		}
		recordSingleBatch(&state)
	}
	// A run the last up stopped waiting for may have failed since: refresh then marks it
	// for a re-run, as the wait would have.
	mode := deref(state.RepeatMode)
	if wasRunning && deref(state.WaitForCompletion) && InvocationStatus(state.Status).terminal() &&
		violates(deref(state.FailurePolicy), state.Results, mode, len(state.InstanceIDs)) {
		state.RerunRequired = true
	}
	return infer.ReadResponse[InvocationArgs, InvocationState]{ID: inv.InvokeId, Inputs: state.InvocationArgs, State: state}, nil
}

// Delete stops the invocation while it can still run (a schedule, a boot hook, or a run in
// progress). A finished or unknown invocation needs nothing: its record stays with the service.
func (*Invocation) Delete(ctx context.Context, req infer.DeleteRequest[InvocationState]) (infer.DeleteResponse, error) {
	client, err := getClient(ctx)
	if err != nil {
		return infer.DeleteResponse{}, err
	}
	ids := req.State.InvokeIDs
	if len(ids) == 0 {
		ids = []string{req.ID}
	}
	for _, id := range ids { // every batch of a fleet
		if err := stopIfRunning(ctx, client, id, active(req.State.InvocationArgs)); err != nil {
			return infer.DeleteResponse{}, err
		}
	}
	// A later Create of this resource with the same inputs runs again: nothing to adopt.
	if err := client.UntagInvocations(ctx, ids, retiredTagKeys); err != nil {
		return infer.DeleteResponse{}, fmt.Errorf("deleting invocation %s: %w", req.ID, err)
	}
	return infer.DeleteResponse{}, nil
}

func stopIfRunning(ctx context.Context, client *ecsclient.Client, id string, active bool) error {
	if !active {
		inv, err := client.DescribeInvocation(ctx, id)
		if errors.Is(err, ecsclient.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if InvocationStatus(invocationStatus(inv)).terminal() {
			return nil
		}
	}
	return client.StopInvocation(ctx, id)
}

// WireDependencies keeps results secret when asked, or by default when parameters (which
// scripts often echo) are given.
func (*Invocation) WireDependencies(f infer.FieldSelector, args *InvocationArgs, state *InvocationState) {
	if resultsSecret(*args) {
		f.OutputField(&state.Results).AlwaysSecret()
	}
	f.OutputField(&state.Parameters).AlwaysSecret()
	// What an in-place update can change, for previews: the invocation ID stays (only a
	// replace changes it); results and the fleet outputs move only when the instances do or
	// the wait resumes; rerunRequired also follows the failure policy. Everything else shows
	// as known in a preview of an update, not as [unknown].
	runs := []infer.InputField{f.InputField(&args.InstanceIDs), f.InputField(&args.TargetTags),
		f.InputField(&args.WaitForCompletion)}
	for _, out := range []any{&state.Status, &state.Results, &state.InvokeIDs, &state.TargetInstanceIDs,
		&state.Summary, &state.FailedInstanceIDs, &state.NotStartedInstanceIDs} {
		f.OutputField(out).DependsOn(runs...)
	}
	f.OutputField(&state.RerunRequired).DependsOn(append(runs, f.InputField(&args.FailurePolicy))...)
}

// updateInvocationMetadata applies the in-place metadata changes of an Invocation: its tags
// on every invocation the resource made (one per batch of a fleet), and its resource group
// in the record only, since the service has no call that moves an invocation.
func updateInvocationMetadata(ctx context.Context, client *ecsclient.Client, id string, old, new InvocationState) error {
	ids := old.InvokeIDs
	if len(ids) == 0 {
		ids = []string{id}
	}
	for _, invokeID := range ids {
		if err := updateTags(ctx, client, ecsclient.ResourceTypeInvocation, invokeID, old.Tags, new.Tags); err != nil {
			return err
		}
	}
	if g := deref(new.ResourceGroupID); g != "" && g != deref(old.ResourceGroupID) {
		p.GetLogger(ctx).Warningf("invocation %s: resourceGroupId is now recorded as %s, but the service cannot move an "+
			"existing invocation: its record stays in the group it was created in", id, g)
	}
	return nil
}

// Mapping an existing invocation to the inputs an import records.

// invocationArgsFrom rebuilds the inputs of an imported invocation in the shape Check gives.
func invocationArgsFrom(inv *ecs.Invocation) InvocationArgs {
	mode := RepeatMode(inv.RepeatMode)
	if mode == "" {
		mode = RepeatOnce
	}
	wait, policy := true, FailIfAny
	args := InvocationArgs{
		CommandID:         inv.CommandId,
		RepeatMode:        &mode,
		Frequency:         nilIfEmpty(inv.Frequency),
		Username:          nilIfEmpty(inv.Username),
		ContainerID:       nilIfEmpty(inv.ContainerId),
		ContainerName:     nilIfEmpty(inv.ContainerName),
		Launcher:          nilIfEmpty(inv.Launcher),
		WaitForCompletion: &wait,
		FailurePolicy:     &policy,
	}
	for _, ii := range inv.InvokeInstances.InvokeInstance {
		args.InstanceIDs = append(args.InstanceIDs, ii.InstanceId)
	}
	if inv.Timeout > 0 {
		t := int(inv.Timeout)
		args.Timeout = &t
	}
	if inv.TerminationMode != "" {
		tm := TerminationMode(inv.TerminationMode)
		args.TerminationMode = &tm
	}
	if inv.Parameters != "" && inv.Parameters != "{}" {
		var params map[string]string
		if json.Unmarshal([]byte(inv.Parameters), &params) == nil && len(params) > 0 {
			args.Parameters = params
		}
	}
	if len(inv.Tags.Tag) > 0 {
		args.Tags = map[string]string{}
		for _, t := range inv.Tags.Tag {
			args.Tags[t.TagKey] = t.TagValue
		}
		args.Tags = userTags(args.Tags) // the adoption tags are the provider's, not inputs
	}
	return args
}

// Converge instead of redeploy: when the only input that changes is instanceIds, the
// update runs the unchanged command on the added instances only and forgets the removed
// ones. Every other change still replaces the invocation (and so re-runs it everywhere).

// convergeDiff turns a replace caused only by instanceIds into an in-place update. It
// applies to one-shot runs that succeeded by their policy: a schedule or boot hook cannot
// gain instances in place, and a failed run is re-run everywhere.
func convergeDiff(d replaceDiff, old InvocationState, new InvocationArgs) {
	d.convergeInstances(!old.RerunRequired && effectiveMode(new) == RepeatOnce &&
		effectiveMode(old.InvocationArgs) == RepeatOnce && len(new.InstanceIDs) > 0)
}

// instancesChanged reports whether an update's instanceIds differ from the recorded ones.
func instancesChanged(st InvocationState, in InvocationArgs) bool {
	return len(in.TargetTags) == 0 && !slices.Equal(sortedCopy(st.InstanceIDs), sortedCopy(in.InstanceIDs))
}

// converge runs the command on the instances in.InstanceIDs adds to st and forgets the
// removed ones. The batches' ClientTokens derive from the first invokeId and the added IDs,
// so an update retried after a crash finds the batches it already started instead of
// running them again.
func converge(ctx context.Context, client *ecsclient.Client, st *InvocationState, in InvocationArgs) error {
	added := setDiff(in.InstanceIDs, st.TargetInstanceIDs)
	keepIDs := setDiff(st.TargetInstanceIDs, setDiff(st.TargetInstanceIDs, in.InstanceIDs))
	var keep []InvocationResult
	for _, r := range st.Results {
		if slices.Contains(in.InstanceIDs, r.InstanceID) {
			keep = append(keep, r)
		}
	}
	st.InvocationArgs = in
	st.TargetInstanceIDs = append(keepIDs, added...)
	if len(added) > 0 {
		p.GetLogger(ctx).InfoStatusf("running on %d added instance%s", len(added), pluralS(len(added)))
	}
	r := newRollout(client, in, added, len(st.TargetInstanceIDs), st.InvokeID, convergeGroup(added))
	r.tags = adoptionTags(ctx, invocationAttempt(in))
	if err := r.adoptInterrupted(ctx, st.InvokeIDs); err != nil {
		return err
	}
	return runFleet(ctx, client, st, r, keep)
}

// resumeFleet waits again for a multi-batch run whose outcome was unknown when the last
// up ended, and starts the batches it had not started yet.
func resumeFleet(ctx context.Context, client *ecsclient.Client, st *InvocationState) error {
	r := newRollout(client, st.InvocationArgs, nil, len(st.TargetInstanceIDs), st.InvokeID, "")
	r.resume(st)
	r.tags = adoptionTags(ctx, invocationAttempt(st.InvocationArgs))
	if err := r.adoptInterrupted(ctx, st.InvokeIDs); err != nil {
		return err
	}
	return runFleet(ctx, client, st, r, nil)
}
