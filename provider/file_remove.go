package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	p "github.com/pulumi/pulumi-go-provider"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/poll"
)

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
	r.Type = string(CommandTypeShell)
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
func waitRemove(ctx context.Context, client *ecsclient.Client, invokeID string, total int, started time.Time) ([]InvocationResult, error) {
	waitCtx, cancel, _ := poll.Bound(ctx, started, removeFileTimeout, removeFileTimeout)
	defer cancel()
	var results []InvocationResult
	out := poll.Until(waitCtx, started, func(ctx context.Context) (bool, string, error) {
		raw, err := client.DescribeInvocationResults(ctx, invokeID)
		if err != nil {
			return false, "", err
		}
		results = convertResults(raw)
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
