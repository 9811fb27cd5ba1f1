package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	p "github.com/pulumi/pulumi-go-provider"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

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
	var list []ecs.SendFileTag
	if r.Tag != nil {
		list = *r.Tag
	}
	for _, k := range sortedKeys(tags) {
		list = append(list, ecs.SendFileTag{Key: k, Value: tags[k]})
	}
	r.Tag = &list
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
