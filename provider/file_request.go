package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	p "github.com/pulumi/pulumi-go-provider"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/poll"
)

// Sending a file: one SendFile call per batch of at most fileBatchSize instances.

// sendFileBatches sends the file to every batch and returns the task IDs of the batches
// that were accepted, in order, even when a later batch fails. Each batch's ClientToken is
// derived from one token made per send, so every retry of a call reuses its token (a retried
// request never sends twice) while a later send, a new token, sends again.
// Every request carries tags (the adoption tags, adopt.go; nil: none).
func sendFileBatches(ctx context.Context, client *ecsclient.Client, args FileArgs, tags map[string]string) ([]string, error) {
	token := ecsclient.NewClientToken()
	return sendFileBatchesWith(ctx, client, args, tags, func(i int) string { return fmt.Sprintf("%s-%d", token, i) })
}

// sendFileBatchesWith is sendFileBatches with the ClientToken of each batch given.
func sendFileBatchesWith(ctx context.Context, client *ecsclient.Client, args FileArgs, tags map[string]string, token func(i int) string) ([]string, error) {
	all := batches(args.InstanceIDs, fileBatchSize)
	ids := make([]string, 0, len(all))
	for i, batch := range all {
		req := sendFileRequest(args, batch)
		tagSendFile(req, tags)
		id, err := client.SendFile(ctx, req, token(i))
		if err != nil {
			if len(all) > 1 {
				err = fmt.Errorf("batch %d of %d (%d instances from %s): %w", i+1, len(all), len(batch), batch[0], err)
			}
			return ids, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func sendFileRequest(args FileArgs, instanceIDs []string) *ecs.SendFileRequest {
	r := ecs.CreateSendFileRequest()
	ids := append([]string{}, instanceIDs...)
	r.InstanceId = &ids
	r.TargetDir = args.TargetDir
	r.Name = args.Name
	if args.ContentBase64 != nil {
		r.Content, r.ContentType = strings.TrimSpace(*args.ContentBase64), "Base64"
	} else {
		r.Content, r.ContentType = deref(args.Content), "PlainText"
	}
	r.FileMode = deref(args.FileMode)
	r.FileOwner = deref(args.FileOwner)
	r.FileGroup = deref(args.FileGroup)
	r.Overwrite = requests.NewBoolean(boolOr(args.Overwrite, true))
	if args.Timeout != nil {
		r.Timeout = requests.NewInteger(*args.Timeout)
	}
	r.Description = deref(args.Description)
	r.ResourceGroupId = deref(args.ResourceGroupID)
	if len(args.Tags) > 0 {
		r.Tag = appendTags(nil, args.Tags, func(k, v string) ecs.SendFileTag { return ecs.SendFileTag{Key: k, Value: v} })
	}
	return r
}

// readFileTasks reads every task; the results follow the tasks' order.
func readFileTasks(ctx context.Context, client *ecsclient.Client, invokeIDs []string) ([]*ecs.Invocation, error) {
	out := make([]*ecs.Invocation, 0, len(invokeIDs))
	for _, id := range invokeIDs {
		task, err := client.DescribeSendFile(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, task)
	}
	return out, nil
}

// fileResultsOf flattens the tasks' per-instance rows.
func fileResultsOf(tasks []*ecs.Invocation) []FileResult {
	out := []FileResult{}
	for _, task := range tasks {
		for _, i := range task.InvokeInstances.InvokeInstance {
			out = append(out, FileResult{
				InstanceID: i.InstanceId, InvokeID: task.InvokeId, Status: i.InvocationStatus,
				ErrorCode: i.ErrorCode, ErrorInfo: i.ErrorInfo, StartTime: i.StartTime, FinishTime: i.FinishTime,
			})
		}
	}
	return out
}

// Adopting a File's tasks that an interrupted update sent (adopt.go says how they are
// found): the Create waits for them and sends only to the instances none of them names, so
// no instance gets the file twice and, with overwrite false, an instance that already holds
// this resource's content from the interrupted send counts as delivered (its task says so)
// instead of failing with FileAlreadyExists.

// fileAttempt is what defines a File's work: what lands where, with which mode and owner.
func fileAttempt(a FileArgs) any {
	return struct {
		Dir, Name, Mode, Owner, Group string
		Content, ContentBase64        *string
	}{a.TargetDir, a.Name, deref(a.FileMode), deref(a.FileOwner), deref(a.FileGroup), a.Content, a.ContentBase64}
}

// tagSendFile adds the adoption tags to a SendFile request.
func tagSendFile(r *ecs.SendFileRequest, tags map[string]string) {
	if len(tags) == 0 {
		return
	}
	r.Tag = appendTags(r.Tag, tags, func(k, v string) ecs.SendFileTag { return ecs.SendFileTag{Key: k, Value: v} })
}

// adoptFileTasks returns the IDs of the file tasks tagged for this resource and attempt that
// no state records, oldest first, and the instances they name; one call when there are none.
func adoptFileTasks(ctx context.Context, client *ecsclient.Client, tags map[string]string) ([]string, []string, error) {
	if tags == nil {
		return nil, nil, nil
	}
	found, err := client.FindSendFilesByTags(ctx, tags)
	if err != nil {
		return nil, nil, fmt.Errorf("looking for file tasks an interrupted update sent: %w", err)
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].CreationTime < found[j].CreationTime })
	urn := resourceURN(ctx)
	var ids, instances []string
	for _, task := range found {
		if isRecorded(urn, task.InvokeId) {
			continue
		}
		ids = append(ids, task.InvokeId)
		for _, ii := range task.InvokeInstances.InvokeInstance {
			instances = append(instances, ii.InstanceId)
		}
	}
	return ids, instances, nil
}

// warnAdoptedFiles says what a Create adopted.
func warnAdoptedFiles(ctx context.Context, ids, had, now []string) {
	if len(ids) == 0 {
		return
	}
	what := "file tasks"
	if len(ids) == 1 {
		what = "file task"
	}
	p.GetLogger(ctx).Warning(adoptedMessage(what, len(ids), len(had), len(now), ids))
}

// removeFileTimeout bounds the `rm` on each instance, in seconds.
const removeFileTimeout = 30

// removeFile deletes the file on the instances with a short RunCommand per batch, waits for
// it and fails naming the instances where it did not succeed. Instances that no longer exist
// have nothing to remove.
func removeFile(ctx context.Context, client *ecsclient.Client, a FileArgs) error {
	path := filePath(a)
	// The path is given relative to the working directory /: the same file on an instance,
	// and inside an emulated instance's disk, where / is the instance's own root.
	script := "rm -f -- " + shellQuote("."+path)
	token := ecsclient.NewClientToken()
	var failed []string
	for i, batch := range batches(a.InstanceIDs, fileBatchSize) {
		started := time.Now()
		id, err := runRemove(ctx, client, script, batch, fmt.Sprintf("%s-%d", token, i))
		if ecsclient.Code(err) == "InvalidInstance.NotFound" {
			// Some instances are gone: remove the file from the ones that are left.
			if batch, err = existingInstances(ctx, client, batch); err == nil && len(batch) > 0 {
				id, err = runRemove(ctx, client, script, batch, fmt.Sprintf("%s-%d-existing", token, i))
			}
		}
		if err != nil {
			return fmt.Errorf("removing file %s (removeOnDelete): %w", path, err)
		}
		if id == "" {
			continue
		}
		results, err := waitRemove(ctx, client, id, len(batch), started)
		if err != nil {
			return fmt.Errorf("removing file %s (removeOnDelete), invocation %s: %w", path, id, err)
		}
		for _, r := range results {
			if InstanceStatus(r.Status) != InstanceSuccess {
				failed = append(failed, fmt.Sprintf("%s: %s %s %s", r.InstanceID, r.Status, r.ErrorCode, r.ErrorInfo))
			}
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("removing file %s (removeOnDelete) failed on %d instance%s:\n  %s\nThe resource is kept; "+
			"fix the instances and run again, or set removeOnDelete to false to delete the resource and leave the file",
			path, len(failed), pluralS(len(failed)), strings.Join(failed, "\n  "))
	}
	p.GetLogger(ctx).Infof("removed %s from %d instance%s", path, len(a.InstanceIDs), pluralS(len(a.InstanceIDs)))
	return nil
}

func runRemove(ctx context.Context, client *ecsclient.Client, script string, instanceIDs []string, token string) (string, error) {
	r := ecs.CreateRunCommandRequest()
	r.RegionId = client.Region()
	r.Name = "pulumi-file-remove"
	// The request spells the service's values, as a Command's would be sent: the rm is a
	// shell script in plain text.
	r.Type = "RunShellScript"
	r.CommandContent = script
	r.ContentEncoding = "PlainText"
	r.WorkingDir = "/"
	ids := append([]string{}, instanceIDs...)
	r.InstanceId = &ids
	r.Timeout = requests.NewInteger(removeFileTimeout)
	r.KeepCommand = requests.NewBoolean(false)
	r.ClientToken = token
	resp := ecs.CreateRunCommandResponse()
	op := fmt.Sprintf("running rm on %d instance%s", len(ids), pluralS(len(ids)))
	if err := client.Do(ctx, op, r, resp); err != nil {
		return "", err
	}
	return resp.InvokeId, nil
}

// waitRemove waits for the rm on every instance, bounded like any run of its timeout.
func waitRemove(ctx context.Context, client *ecsclient.Client, invokeID string, total int, started time.Time) ([]FileResult, error) {
	waitCtx, cancel, _ := poll.Bound(ctx, started, removeFileTimeout, removeFileTimeout)
	defer cancel()
	var results []FileResult
	out := poll.Until(waitCtx, started, func(ctx context.Context) (bool, string, error) {
		raw, err := client.DescribeInvocationResults(ctx, invokeID)
		if err != nil {
			return false, "", err
		}
		results = removeResults(raw)
		finished, _ := settledCount(results, RepeatOnce)
		return len(results) >= total && finished == len(results), fmt.Sprintf("%d/%d instances removed the file", finished, total), nil
	})
	switch {
	case out.Err != nil:
		return nil, out.Err
	case !out.Done:
		return nil, fmt.Errorf("the rm did not finish in time (%v)", context.Cause(waitCtx))
	}
	return results, nil
}

// removeResults keeps what judging an rm needs of each instance's result: its status and error.
func removeResults(raw []ecs.InvocationResult) []FileResult {
	out := make([]FileResult, 0, len(raw))
	for _, r := range raw {
		out = append(out, FileResult{InstanceID: r.InstanceId, InvokeID: r.InvokeId, Status: resultStatus(r),
			ErrorCode: r.ErrorCode, ErrorInfo: r.ErrorInfo})
	}
	return out
}

// existingInstances keeps the instances the service still knows.
func existingInstances(ctx context.Context, client *ecsclient.Client, ids []string) ([]string, error) {
	statuses, err := client.DescribeCloudAssistantStatus(ctx, ids)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, s := range statuses {
		known[s.InstanceId] = true
	}
	var out []string
	for _, id := range ids {
		if known[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
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
