package provider

import (
	"context"
	"slices"

	p "github.com/pulumi/pulumi-go-provider"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

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
