package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

// Importing a resource made of several tasks (an Invocation's batches, a File's tasks) from
// the ID of any one of them: its adoption tags (adopt.go) name the resource and the attempt,
// and the tasks carrying both are the whole. `pulumi import` and `pulumi refresh
// --import-pending-creates` (after an interrupted update) pass such an ID.

// adoptionTagsOf returns the two adoption tags a task carries, or nil without both.
func adoptionTagsOf(tags []ecs.Tag) map[string]string {
	out := map[string]string{}
	for _, t := range tags {
		if t.TagKey == tagResource || t.TagKey == tagAttempt {
			out[t.TagKey] = t.TagValue
		}
	}
	if len(out) != adoptionTagCount {
		return nil
	}
	return out
}

// importBatches completes an imported Invocation from one of its batches: every batch of the
// same resource and attempt, oldest first (the first is the resource's ID), their instances
// the inputs' and the targets. A batch without the tags is imported alone.
func importBatches(ctx context.Context, client *ecsclient.Client, inv *ecs.Invocation, st *InvocationState) (*ecs.Invocation, error) {
	tags := adoptionTagsOf(inv.Tags.Tag)
	if tags == nil {
		return inv, nil
	}
	found, err := client.FindInvocationsByTags(ctx, tags)
	if err != nil {
		return nil, fmt.Errorf("importing invocation %s: finding its other batches: %w", inv.InvokeId, err)
	}
	if len(found) <= 1 {
		return inv, nil
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].CreationTime < found[j].CreationTime })
	st.InvokeIDs, st.InstanceIDs = nil, nil
	for _, b := range found {
		st.InvokeIDs = append(st.InvokeIDs, b.InvokeId)
		for _, ii := range b.InvokeInstances.InvokeInstance {
			st.InstanceIDs = append(st.InstanceIDs, ii.InstanceId)
		}
	}
	st.TargetInstanceIDs = append([]string{}, st.InstanceIDs...)
	return &found[0], nil
}

// importFileTasks completes an imported File given one task ID: every task of the same
// resource and attempt, oldest first.
func importFileTasks(ctx context.Context, client *ecsclient.Client, ids []string, tasks []*ecs.Invocation) ([]string, []*ecs.Invocation, error) {
	if len(tasks) != 1 {
		return ids, tasks, nil
	}
	tags := adoptionTagsOf(tasks[0].Tags.Tag)
	if tags == nil {
		return ids, tasks, nil
	}
	found, err := client.FindSendFilesByTags(ctx, tags)
	if err != nil {
		return nil, nil, fmt.Errorf("importing file task %s: finding its other tasks: %w", ids[0], err)
	}
	if len(found) <= 1 {
		return ids, tasks, nil
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].CreationTime < found[j].CreationTime })
	ids, tasks = nil, nil
	for i := range found {
		ids = append(ids, found[i].InvokeId)
		tasks = append(tasks, &found[i])
	}
	return ids, tasks, nil
}
