package ecsclient

// Calls that change a resource's metadata in place: name, description, tags, resource group.
// Each sets a value, so a retry of one that was applied is harmless.

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// Resource types of the tagging calls.
const (
	ResourceTypeCommand    = "command"
	ResourceTypeInvocation = "invocation"
)

// CommandPatch lists the command fields to change; nil leaves one alone, a pointer to ""
// clears it (the SDK drops empty fields, so they are sent by hand). There is deliberately no
// content: ModifyCommand's CommandContent "is no longer used and does not take effect" in
// the current reference, so a content change must replace the command (Command.Diff).
type CommandPatch struct {
	Name        *string
	Description *string
}

// ModifyCommand changes a command's name or description in place; its ID stays.
func (c *Client) ModifyCommand(ctx context.Context, commandID string, patch CommandPatch) error {
	req := ecs.CreateModifyCommandRequest()
	req.RegionId = c.region
	req.CommandId = commandID
	set := func(name string, v *string) {
		if v != nil {
			req.GetQueryParams()[name] = *v
		}
	}
	set("Name", patch.Name)
	set("Description", patch.Description)
	return c.Do(ctx, "modifying command "+commandID, req, ecs.CreateModifyCommandResponse())
}

// TagResource adds (or changes the value of) tags on one command or invocation.
func (c *Client) TagResource(ctx context.Context, resourceType, id string, tags map[string]string) error {
	if len(tags) == 0 {
		return nil
	}
	req := ecs.CreateTagResourcesRequest()
	req.RegionId = c.region
	req.ResourceType = resourceType
	req.ResourceId = &[]string{id}
	list := make([]ecs.TagResourcesTag, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		list = append(list, ecs.TagResourcesTag{Key: k, Value: tags[k]})
	}
	req.Tag = &list
	n := len(list)
	return c.Do(ctx, fmt.Sprintf("tagging %s %s with %d tag%s", resourceType, id, n, plural(n)), req, ecs.CreateTagResourcesResponse())
}

// UntagResource removes tag keys from one command or invocation.
func (c *Client) UntagResource(ctx context.Context, resourceType, id string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	req := ecs.CreateUntagResourcesRequest()
	req.RegionId = c.region
	req.ResourceType = resourceType
	req.ResourceId = &[]string{id}
	k := append([]string(nil), keys...)
	req.TagKey = &k
	n := len(k)
	return c.Do(ctx, fmt.Sprintf("removing %d tag%s from %s %s", n, plural(n), resourceType, id), req, ecs.CreateUntagResourcesResponse())
}

// JoinResourceGroup moves a resource (a command) into a resource group.
func (c *Client) JoinResourceGroup(ctx context.Context, resourceType, id, group string) error {
	req := ecs.CreateJoinResourceGroupRequest()
	req.RegionId = c.region
	req.ResourceType = resourceType
	req.ResourceId = id
	req.ResourceGroupId = group
	return c.Do(ctx, fmt.Sprintf("moving %s %s to resource group %s", resourceType, id, group), req, ecs.CreateJoinResourceGroupResponse())
}
