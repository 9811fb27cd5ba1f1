package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
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
		tags := make([]ecs.SendFileTag, 0, len(args.Tags))
		for _, k := range sortedKeys(args.Tags) {
			tags = append(tags, ecs.SendFileTag{Key: k, Value: args.Tags[k]})
		}
		r.Tag = &tags
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

// filePath is where the file lands on the instances.
func filePath(a FileArgs) string {
	sep := "/"
	if windowsAbsDir.MatchString(a.TargetDir) {
		sep = `\`
	}
	return strings.TrimRight(a.TargetDir, `/\`) + sep + a.Name
}
