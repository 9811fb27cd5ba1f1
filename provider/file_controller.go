package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

var (
	_ = (infer.CustomCheck[FileArgs])((*File)(nil))
	_ = (infer.CustomDiff[FileArgs, FileState])((*File)(nil))
	_ = (infer.CustomRead[FileArgs, FileState])((*File)(nil))
	_ = (infer.CustomUpdate[FileArgs, FileState])((*File)(nil))
	_ = (infer.CustomDelete[FileState])((*File)(nil))
	_ = (infer.Annotated)((*File)(nil))
)

// Create sends the file in batches and waits for every instance. A failure by the policy, a
// failed batch, a timeout or a cancel still returns the state of what was sent, so the file
// tasks are recorded: a failed delivery is sent again by the next up, an unfinished one
// waited for again.
func (*File) Create(ctx context.Context, req infer.CreateRequest[FileArgs]) (infer.CreateResponse[FileState], error) {
	state := FileState{FileArgs: req.Inputs, InvokeIDs: []string{}, Results: []FileResult{}}
	if req.DryRun {
		return infer.CreateResponse[FileState]{Output: state}, nil
	}
	client, err := getClient(ctx)
	if err != nil {
		return infer.CreateResponse[FileState]{}, err
	}
	started := time.Now()
	// Tasks an interrupted update sent for this resource are adopted, not sent again.
	tags := adoptionTags(ctx, fileAttempt(req.Inputs))
	adopted, had, err := adoptFileTasks(ctx, client, tags)
	if err != nil {
		return infer.CreateResponse[FileState]{}, err
	}
	rest := state.FileArgs
	rest.InstanceIDs = setDiff(req.Inputs.InstanceIDs, had)
	warnAdoptedFiles(ctx, adopted, had, rest.InstanceIDs)
	sent, sendErr := sendFileBatches(ctx, client, rest, tags)
	ids := append(adopted, sent...)
	if len(ids) == 0 {
		return infer.CreateResponse[FileState]{}, sendErr
	}
	state.InvokeIDs, state.InvokeID = ids, ids[0]
	id := strings.Join(ids, ",")
	if sendErr != nil {
		// Some batches are out: record them, and send everything again on the next up.
		if tasks, err := readFileTasks(ctx, client, ids); err == nil {
			state.Results = fileResultsOf(tasks)
		}
		state.Status = fileStatus(state.Results)
		state.ResendRequired = true
		return infer.CreateResponse[FileState]{ID: id, Output: state}, infer.ResourceInitFailedError{Reasons: []string{
			fmt.Sprintf("sending file %s: %v. File tasks %s were sent and are recorded; the next `pulumi up` "+
				"sends the file again to every instance.", filePath(state.FileArgs), sendErr, id)}}
	}
	err = waitAndJudgeFile(ctx, client, &state, started)
	return infer.CreateResponse[FileState]{ID: id, Output: state}, err
}

// Diff resends the file (a replace) when what lands on the instances changes: content, path,
// instances, mode, owner or group, or a failed delivery. Metadata and provider-side settings
// change in place (inPlaceInputs). With removeOnDelete the old file is removed before the new one is sent,
// so a resend to the same path does not end with the file removed.
func (*File) Diff(_ context.Context, req infer.DiffRequest[FileArgs, FileState]) (infer.DiffResponse, error) {
	old, new := req.State.FileArgs, req.Inputs
	d := replaceDiff{}
	diffDeep(d, "instanceIds", sortedCopy(old.InstanceIDs), sortedCopy(new.InstanceIDs),
		len(old.InstanceIDs) == 0, len(new.InstanceIDs) == 0)
	diffValue(d, "targetDir", old.TargetDir, new.TargetDir)
	diffValue(d, "name", old.Name, new.Name)
	diffPtr(d, "content", old.Content, new.Content)
	diffPtr(d, "contentBase64", old.ContentBase64, new.ContentBase64)
	diffServerDefault(d, "fileMode", nilIfEmpty(deref(old.FileMode)), nilIfEmpty(deref(new.FileMode)))
	diffServerDefault(d, "fileOwner", nilIfEmpty(deref(old.FileOwner)), nilIfEmpty(deref(new.FileOwner)))
	diffServerDefault(d, "fileGroup", nilIfEmpty(deref(old.FileGroup)), nilIfEmpty(deref(new.FileGroup)))
	diffServerDefault(d, "resourceGroupId", nilIfEmpty(deref(old.ResourceGroupID)), nilIfEmpty(deref(new.ResourceGroupID)))
	if req.State.ResendRequired {
		d["resendRequired"] = p.PropertyDiff{Kind: p.UpdateReplace}
	}
	// A changed instance list alone converges (below); the rest send nothing:
	// classify makes them in-place updates (inPlaceInputs).
	fileConvergeDiff(d, req.State, new)
	diffPtr(d, "description", nilIfEmpty(deref(old.Description)), nilIfEmpty(deref(new.Description)))
	diffMap(d, "tags", old.Tags, new.Tags)
	diffServerDefault(d, "timeout", old.Timeout, new.Timeout)
	diffValue(d, "overwrite", boolOr(old.Overwrite, true), boolOr(new.Overwrite, true))
	diffValue(d, "failurePolicy", policyOr(old.FailurePolicy), policyOr(new.FailurePolicy))
	diffValue(d, "removeOnDelete", deref(old.RemoveOnDelete), deref(new.RemoveOnDelete))
	return d.classify(fileToken).response(deref(old.RemoveOnDelete)), nil
}

// Update records changed metadata and settings, which send nothing; a changed instance list
// alone sends the file to the added instances only (convergeFile, below). For file tasks recorded
// with an unknown outcome (the last up timed out or was cancelled) it waits for those same
// tasks and judges them, so a failure is reported and never accepted silently.
func (*File) Update(ctx context.Context, req infer.UpdateRequest[FileArgs, FileState]) (infer.UpdateResponse[FileState], error) {
	state := req.State
	if fileInstancesChanged(state, req.Inputs) {
		err := convergeFile(ctx, &state, req.Inputs, req.DryRun)
		return infer.UpdateResponse[FileState]{Output: state}, err
	}
	state.FileArgs = req.Inputs
	if req.DryRun || InvocationStatus(state.Status).terminal() {
		return infer.UpdateResponse[FileState]{Output: state}, nil
	}
	client, err := getClient(ctx)
	if err != nil {
		return infer.UpdateResponse[FileState]{}, err
	}
	err = waitAndJudgeFile(ctx, client, &state, time.Now())
	return infer.UpdateResponse[FileState]{Output: state}, err
}

// Read refreshes every instance's delivery, or on import (the task IDs joined with commas)
// rebuilds the inputs from the service, which keeps the content it sent.
func (*File) Read(ctx context.Context, req infer.ReadRequest[FileArgs, FileState]) (infer.ReadResponse[FileArgs, FileState], error) {
	client, err := getClient(ctx)
	if err != nil {
		return infer.ReadResponse[FileArgs, FileState]{}, err
	}
	importing := req.State.InvokeID == "" && req.State.Name == ""
	ids := strings.Split(req.ID, ",")
	if !importing && len(req.State.InvokeIDs) > 0 {
		ids = req.State.InvokeIDs // the ID names the first send; a converged file has more tasks
	}
	tasks, err := readFileTasks(ctx, client, ids)
	switch {
	case errors.Is(err, ecsclient.ErrNotFound) && importing:
		return infer.ReadResponse[FileArgs, FileState]{}, fmt.Errorf(
			"cannot import file %s: %v (the ID is the file task IDs, `f-…`, joined with commas; records are kept "+
				"for a limited time)", req.ID, err)
	case errors.Is(err, ecsclient.ErrNotFound):
		// The service forgot the tasks; the files are still on the instances, and forgetting
		// the resource would send them again.
		p.GetLogger(ctx).Warningf("file task %s is no longer known to the service; keeping the last recorded results", req.ID)
		return infer.ReadResponse[FileArgs, FileState]{ID: req.ID, Inputs: req.State.FileArgs, State: req.State}, nil
	case err != nil:
		return infer.ReadResponse[FileArgs, FileState]{}, err
	}
	state := req.State
	if importing {
		if ids, tasks, err = importFileTasks(ctx, client, ids, tasks); err != nil {
			return infer.ReadResponse[FileArgs, FileState]{}, err
		}
		state = FileState{FileArgs: fileArgsFrom(tasks)}
	}
	state.InvokeIDs, state.InvokeID = ids, ids[0]
	wasRunning := !importing && !InvocationStatus(state.Status).terminal()
	state.Results = fileResultsOf(tasks)
	if !importing {
		state.Results = resultsFor(state.Results, state.InstanceIDs)
	}
	state.Status = fileStatus(state.Results)
	// A delivery the last up stopped waiting for may have failed since: refresh then marks it
	// for a resend, as the wait would have.
	if wasRunning && InvocationStatus(state.Status).terminal() &&
		violates(deref(state.FailurePolicy), state.Results, RepeatOnce, len(state.InstanceIDs)) {
		state.ResendRequired = true
	}
	return infer.ReadResponse[FileArgs, FileState]{ID: strings.Join(ids, ","), Inputs: state.FileArgs, State: state}, nil
}

// Delete leaves the files on the instances, unless removeOnDelete asks to remove them.
func (*File) Delete(ctx context.Context, req infer.DeleteRequest[FileState]) (infer.DeleteResponse, error) {
	client, err := getClient(ctx)
	if err != nil {
		return infer.DeleteResponse{}, err
	}
	// A later Create of this resource with the same inputs sends again: nothing to adopt.
	if err := client.UntagInvocations(ctx, req.State.InvokeIDs, retiredTagKeys); err != nil {
		return infer.DeleteResponse{}, fmt.Errorf("deleting file %s: %w", filePath(req.State.FileArgs), err)
	}
	if !deref(req.State.RemoveOnDelete) {
		return infer.DeleteResponse{}, nil
	}
	return infer.DeleteResponse{}, removeFile(ctx, client, req.State.FileArgs)
}

// A File converges like an Invocation (convergeDiff, invocation_controller.go): when the only change that
// would resend it is its instance list, the update sends the file to the added instances
// only and forgets the removed ones (removing the file there when removeOnDelete is set).
// The resource keeps its ID (the first send's task IDs); invokeIds gains each later task.

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

// fileArgsFrom rebuilds the inputs of imported file tasks in the shape Check gives: the first
// task says what was sent, every task says where. The service does not report the timeout.
func fileArgsFrom(tasks []*ecs.Invocation) FileArgs {
	first := tasks[0]
	overwrite, _ := strconv.ParseBool(first.Overwrite)
	policy := FailIfAny
	args := FileArgs{
		TargetDir:     first.TargetDir,
		Name:          first.Name,
		FileMode:      nilIfEmpty(first.FileMode),
		FileOwner:     nilIfEmpty(first.FileOwner),
		FileGroup:     nilIfEmpty(first.FileGroup),
		Overwrite:     &overwrite,
		Description:   nilIfEmpty(first.Description),
		FailurePolicy: &policy,
	}
	content := first.Content
	if first.ContentType == "Base64" {
		args.ContentBase64 = &content
	} else {
		args.Content = &content
	}
	for _, task := range tasks {
		for _, i := range task.InvokeInstances.InvokeInstance {
			args.InstanceIDs = append(args.InstanceIDs, i.InstanceId)
		}
	}
	if len(first.Tags.Tag) > 0 {
		args.Tags = map[string]string{}
		for _, t := range first.Tags.Tag {
			args.Tags[t.TagKey] = t.TagValue
		}
		args.Tags = userTags(args.Tags) // the adoption tags are the provider's, not inputs
	}
	return args
}

// markImportedFileContent makes an imported file's content secret: the program may hold it
// as a secret (a key, a certificate), and import cannot know, so it errs on the safe side.
// A refresh keeps whatever secretness the state had.
func markImportedFileContent(m property.Map) property.Map {
	for _, key := range []string{"content", "contentBase64"} {
		if v, ok := m.GetOk(key); ok && !v.IsNull() {
			m = m.Set(key, v.WithSecret(true))
		}
	}
	return m
}
