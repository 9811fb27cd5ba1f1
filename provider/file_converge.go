package provider

// A File converges like an Invocation (invocation_converge.go): when the only change that
// would resend it is its instance list, the update sends the file to the added instances
// only and forgets the removed ones (removing the file there when removeOnDelete is set).
// The resource keeps its ID (the first send's task IDs); invokeIds gains each later task.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
)

// fileConvergeDiff turns a replace caused only by instanceIds into an in-place update, for a
// delivery that finished and succeeded by its policy (a failed or unfinished one is sent
// again everywhere, as before).
func fileConvergeDiff(d replaceDiff, old FileState, new FileArgs) {
	d.convergeInstances(!old.ResendRequired && len(old.InstanceIDs) > 0 && len(new.InstanceIDs) > 0 &&
		InvocationStatus(old.Status).terminal())
}

// fileInstancesChanged reports whether an update's instanceIds differ from the recorded ones.
func fileInstancesChanged(st FileState, in FileArgs) bool {
	return !slices.Equal(sortedCopy(st.InstanceIDs), sortedCopy(in.InstanceIDs))
}

// convergeFile sends the file to the instances in adds and forgets (or, with
// removeOnDelete, clears) the ones it drops, then waits for the new tasks and judges the
// delivery on the instances the file now has. In a preview it only says which instances.
func convergeFile(ctx context.Context, state *FileState, in FileArgs, dryRun bool) error {
	added := setDiff(in.InstanceIDs, state.InstanceIDs)
	removed := setDiff(state.InstanceIDs, in.InstanceIDs)
	removeThere := deref(in.RemoveOnDelete) && len(removed) > 0
	p.GetLogger(ctx).Info(convergePlan(filePath(in), added, removed, removeThere))
	state.FileArgs = in
	state.Results = resultsFor(state.Results, in.InstanceIDs)
	if dryRun {
		return nil
	}
	client, err := getClient(ctx)
	if err != nil {
		return err
	}
	if removeThere {
		gone := in
		gone.InstanceIDs = removed
		if err := removeFile(ctx, client, gone); err != nil {
			return err
		}
	}
	if len(added) == 0 {
		return nil
	}
	started := time.Now()
	to := in
	to.InstanceIDs = added
	// Tokens derive from the first task, how many sends came before and the added IDs: an
	// update retried after a crash (its state unwritten) finds the tasks it sent instead of
	// sending again, while adding the same instances again later is a new send.
	group := fmt.Sprintf("%d-%s", len(state.InvokeIDs), convergeGroup(added))
	// The added sends carry the resource's adoption tags too, so importing any one task finds them.
	tags := adoptionTags(ctx, fileAttempt(in))
	ids, sendErr := sendFileBatchesWith(ctx, client, to, tags, func(i int) string { return batchToken(state.InvokeID, group, i) })
	state.InvokeIDs = append(state.InvokeIDs, ids...)
	if sendErr != nil {
		state.ResendRequired = true
		return infer.ResourceInitFailedError{Reasons: []string{fmt.Sprintf(
			"sending file %s to %d added instance%s: %v. The file tasks sent are recorded; the next `pulumi up` "+
				"sends the file again to every instance.", filePath(in), len(added), pluralS(len(added)), sendErr)}}
	}
	return waitAndJudgeFile(ctx, client, state, started)
}

// convergePlan says what a converging update does, by instance: the preview's account.
func convergePlan(path string, added, removed []string, removeThere bool) string {
	var parts []string
	if len(added) > 0 {
		parts = append(parts, fmt.Sprintf("sends %s to %d added instance%s only (%s)", path, len(added),
			pluralS(len(added)), strings.Join(added, ", ")))
	}
	if len(removed) > 0 {
		verb := "forgets"
		if removeThere {
			verb = "removes the file from"
		}
		parts = append(parts, fmt.Sprintf("%s %d removed instance%s (%s)", verb, len(removed), pluralS(len(removed)),
			strings.Join(removed, ", ")))
	}
	return "instanceIds changed: " + strings.Join(parts, "; ")
}

// resultsFor keeps one result per instance of ids, the latest one (tasks are read in the
// order they were sent), in the order the results came.
func resultsFor(results []FileResult, ids []string) []FileResult {
	latest := map[string]int{}
	for i, r := range results {
		if slices.Contains(ids, r.InstanceID) {
			latest[r.InstanceID] = i
		}
	}
	out := []FileResult{}
	for i, r := range results {
		if j, ok := latest[r.InstanceID]; ok && j == i {
			out = append(out, r)
		}
	}
	return out
}
